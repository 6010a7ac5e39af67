package io.notifyhub.api.config;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets the server know the length of a small answer, so that {@code server.compression.min-response-size} holds
 * for it. Spring's message writing flushes once it has written a body ({@code flush()}, then
 * {@code flushBuffer()}), which sends the headers with chunked encoding and no length, and Tomcat compresses any answer of unknown length, however small (a {@code 201} of
 * 300 bytes, gzipped, costs a deflater for nothing). Without that flush, an answer that fits the server's buffer
 * (8 KB) ends with a {@code Content-Length}; a larger one is sent in chunks as before, when the buffer fills.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
class ResponseLengths extends OncePerRequestFilter {

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(request, new HttpServletResponseWrapper(response) {
            private ServletOutputStream out;

            @Override
            public ServletOutputStream getOutputStream() throws IOException {
                if (out == null) {
                    out = new WithoutFlush(super.getOutputStream());
                }
                return out;
            }

            @Override
            public void flushBuffer() {
                // as flush(): Spring's message writing ends with both
            }
        });
    }

    /** The server's output stream, but {@code flush()} waits for the end of the answer (or a full buffer). */
    private static final class WithoutFlush extends ServletOutputStream {
        private final ServletOutputStream out;

        WithoutFlush(ServletOutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public void flush() {
            // the server sends what it holds when the answer ends
        }

        @Override
        public void close() throws IOException {
            out.close();
        }

        @Override
        public boolean isReady() {
            return out.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            out.setWriteListener(listener);
        }
    }
}
