package io.notifyhub.api.config;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps request bodies: {@code notifyhub.api.max-body-size} for one job, {@code max-batch-body-size} for a
 * batch. A declared {@code Content-Length} over the cap is refused at once; a chunked body is cut off where it
 * passes the cap. Either way the answer is a {@code 413} problem and nothing is stored.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class BodySizeLimit extends OncePerRequestFilter {

    private final ApiProperties properties;

    BodySizeLimit(ApiProperties properties) {
        this.properties = properties;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/") || "GET".equals(request.getMethod());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        DataSize max = request.getRequestURI().startsWith("/api/jobs/batch")
                ? properties.maxBatchBodySize() : properties.maxBodySize();
        if (request.getContentLengthLong() > max.toBytes()) {
            refuse(response, max);
            return;
        }
        chain.doFilter(new Capped(request, max), response);
    }

    static void refuse(HttpServletResponse response, DataSize max) throws IOException {
        ProblemResponses.write(response, HttpStatus.CONTENT_TOO_LARGE, "Content Too Large",
                BodyTooLargeException.detail(max));
    }

    /** Thrown by the body's stream where it passes the cap. */
    static final class BodyTooLargeException extends IOException {
        private final DataSize max;

        BodyTooLargeException(DataSize max) {
            super(detail(max));
            this.max = max;
        }

        DataSize max() {
            return max;
        }

        static String detail(DataSize max) {
            return "The body is larger than " + max.toKilobytes() + " KB; nothing was stored.";
        }
    }

    private static final class Capped extends HttpServletRequestWrapper {
        private final DataSize max;
        private ServletInputStream stream;

        Capped(HttpServletRequest request, DataSize max) {
            super(request);
            this.max = max;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new CountingStream(super.getInputStream(), max);
            }
            return stream;
        }
    }

    private static final class CountingStream extends ServletInputStream {
        private final ServletInputStream in;
        private final DataSize max;
        private long read;

        CountingStream(ServletInputStream in, DataSize max) {
            this.in = in;
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws BodyTooLargeException {
            read += n;
            if (read > max.toBytes()) {
                throw new BodyTooLargeException(max);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
