package io.notifyhub.api.config;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;

/** The request with its body read from memory (inflated, when it came gzipped). */
final class BufferedRequest extends HttpServletRequestWrapper {
    private final byte[] body;
    private final boolean inflated;

    BufferedRequest(HttpServletRequest request, byte[] body) {
        this(request, body, false);
    }

    BufferedRequest(HttpServletRequest request, byte[] body, boolean inflated) {
        super(request);
        this.body = body;
        this.inflated = inflated;
    }

    /** An inflated body has no Content-Encoding any more. */
    @Override
    public String getHeader(String name) {
        return inflated && HttpHeaders.CONTENT_ENCODING.equalsIgnoreCase(name) ? null : super.getHeader(name);
    }

    @Override
    public java.util.Enumeration<String> getHeaders(String name) {
        return inflated && HttpHeaders.CONTENT_ENCODING.equalsIgnoreCase(name)
                ? java.util.Collections.emptyEnumeration()
                : super.getHeaders(name);
    }

    @Override
    public int getContentLength() {
        return body.length;
    }

    @Override
    public long getContentLengthLong() {
        return body.length;
    }

    @Override
    public ServletInputStream getInputStream() {
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        return new ServletInputStream() {
            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                return in.read(buffer, offset, length);
            }

            @Override
            public boolean isFinished() {
                return in.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException("the body has been read already");
            }
        };
    }

    @Override
    public BufferedReader getReader() {
        String encoding = getCharacterEncoding();
        Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
        return new BufferedReader(new InputStreamReader(getInputStream(), charset));
    }
}
