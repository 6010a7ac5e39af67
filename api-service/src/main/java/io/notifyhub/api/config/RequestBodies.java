package io.notifyhub.api.config;

import io.notifyhub.api.auth.Caller;
import io.notifyhub.api.ops.ApiMetrics;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Takes in each request body before any work starts, without holding a thread while it arrives, so that what
 * holds a thread and a submission slot ({@link LoadShedding}) is work that is ready:
 * <ul>
 *   <li>the body is read with the servlet container's non-blocking input (a {@link ReadListener}): a client that
 *       sends a byte every few seconds holds a connection and a buffer, not a thread; once the body is in, the
 *       request is dispatched again and runs with it from memory;</li>
 *   <li>it must arrive within {@code notifyhub.api.body-timeout} (408 after it);</li>
 *   <li>it is at most {@code max-body-size} for one job, {@code max-batch-body-size} for a batch (413): a declared
 *       {@code Content-Length} over it is refused at once, a chunked body where it passes it;</li>
 *   <li>the bodies one client has open at once on this process (arriving, or being handled) are at most
 *       {@code notifyhub.api.max-body-bytes-per-client} (429 past it), each counted at its declared length (a
 *       chunked one at the cap): what one client's slow bodies may hold of the memory and the connections.</li>
 * </ul>
 * A refused request's body is not read further, and its connection is closed; nothing is stored.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10) // after the key (ApiKeyFilter), before the slot (LoadShedding)
class RequestBodies extends OncePerRequestFilter {

    /** The request attribute with the body once it has arrived. */
    static final String BODY = RequestBodies.class.getName() + ".body";

    private final ApiProperties properties;
    private final ApiMetrics metrics;
    /** body bytes open, by client */
    private final Map<String, Long> open = new ConcurrentHashMap<>();

    RequestBodies(ApiProperties properties, ApiMetrics metrics) {
        this.properties = properties;
        this.metrics = metrics;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/")
                || "GET".equals(request.getMethod())
                || "HEAD".equals(request.getMethod())
                || "OPTIONS".equals(request.getMethod());
    }

    /** The second pass, once the body has arrived, runs the rest of the chain with it. */
    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        DataSize max = request.getRequestURI().startsWith("/api/jobs/batch")
                ? properties.maxBatchBodySize()
                : properties.maxBodySize();
        if (request.getDispatcherType() == DispatcherType.ASYNC) {
            if (request.getAttribute(BODY) instanceof byte[] body) {
                pass(request, response, chain, body, max);
            } else {
                chain.doFilter(request, response);
            }
            return;
        }
        String encoding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
        if (encoding != null && !isGzip(encoding) && !"identity".equalsIgnoreCase(encoding.trim())) {
            response.setHeader(HttpHeaders.ACCEPT_ENCODING, "gzip");
            ProblemResponses.refuseUnread(
                    request,
                    response,
                    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "Unsupported Content-Encoding",
                    "A body may be sent as it is or with Content-Encoding: gzip, " + "not " + encoding
                            + "; nothing was stored.");
            return;
        }
        if (request.getContentLengthLong() > max.toBytes()) {
            metrics.rejected(ApiMetrics.Rejection.TOO_LARGE);
            ProblemResponses.refuseUnread(
                    request,
                    response,
                    HttpStatus.CONTENT_TOO_LARGE,
                    "Content Too Large",
                    BodyTooLargeException.detail(max));
            return;
        }
        String client = request.getAttribute(Caller.ATTRIBUTE) instanceof Caller caller ? caller.clientId() : "";
        // a gzipped body inflates to at most max: counted at that, like a body of unknown length
        long bytes = request.getContentLengthLong() >= 0 && encoding == null
                ? request.getContentLengthLong()
                : max.toBytes();
        if (!enter(client, bytes)) {
            metrics.rejected(ApiMetrics.Rejection.OVERLOADED);
            response.setHeader(HttpHeaders.RETRY_AFTER, "1");
            ProblemResponses.refuseUnread(
                    request,
                    response,
                    HttpStatus.TOO_MANY_REQUESTS,
                    "Too many requests at once",
                    "This client has " + properties.maxBodyBytesPerClient().toMegabytes() + " MB of requests open "
                            + "already; nothing was stored. Wait for some to finish.");
            return;
        }
        long length = request.getContentLengthLong();
        if (length == 0
                || !request.isAsyncSupported()
                || length > 0 && request.getInputStream().available() >= length) {
            // no body, or all of it came with the headers (a small body usually does): read it now, without a wait
            try {
                byte[] body = request.getInputStream().readNBytes((int) (length >= 0 ? length : max.toBytes() + 1));
                if (body.length > max.toBytes()) {
                    metrics.rejected(ApiMetrics.Rejection.TOO_LARGE);
                    ProblemResponses.write(
                            response,
                            HttpStatus.CONTENT_TOO_LARGE,
                            "Content Too Large",
                            BodyTooLargeException.detail(max));
                    return;
                }
                pass(request, response, chain, body, max);
            } finally {
                leave(client, bytes);
            }
            return;
        }
        AsyncContext async = request.startAsync();
        async.setTimeout(properties.bodyTimeout().toMillis());
        Arrival arrival = new Arrival(async, request, response, request.getInputStream(), max, client, bytes);
        async.addListener(arrival);
        request.getInputStream().setReadListener(arrival);
    }

    private static boolean isGzip(String encoding) {
        String coding = encoding.trim();
        return "gzip".equalsIgnoreCase(coding) || "x-gzip".equalsIgnoreCase(coding);
    }

    /**
     * Runs the rest of the chain with the body; a gzipped one is inflated first, to at most {@code max} (a body
     * that inflates past it is a {@code 413}, however small it came: a zip bomb is refused, not held).
     */
    private void pass(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain, byte[] body, DataSize max)
            throws ServletException, IOException {
        String encoding = request.getHeader(HttpHeaders.CONTENT_ENCODING);
        if (encoding == null || !isGzip(encoding)) {
            chain.doFilter(new BufferedRequest(request, body), response);
            return;
        }
        byte[] inflated;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            inflated = in.readNBytes(Math.toIntExact(max.toBytes() + 1));
        } catch (IOException notGzip) {
            metrics.rejected(ApiMetrics.Rejection.INVALID);
            ProblemResponses.writeInvalid(response, "body", "is not valid gzip (Content-Encoding: gzip)");
            return;
        }
        if (inflated.length > max.toBytes()) {
            metrics.rejected(ApiMetrics.Rejection.TOO_LARGE);
            ProblemResponses.write(
                    response,
                    HttpStatus.CONTENT_TOO_LARGE,
                    "Content Too Large",
                    "The body inflates to more than " + max.toKilobytes() + " KB; nothing was stored.");
            return;
        }
        chain.doFilter(new BufferedRequest(request, inflated, true), response);
    }

    /** Counts the bytes of a request the client opens, unless its open ones are at the budget already. */
    private boolean enter(String client, long bytes) {
        boolean[] entered = new boolean[1];
        open.compute(client, (key, held) -> {
            long now = held == null ? 0 : held;
            entered[0] = now == 0
                    || now + bytes <= properties.maxBodyBytesPerClient().toBytes();
            return entered[0] ? now + bytes : held;
        });
        return entered[0];
    }

    private void leave(String client, long bytes) {
        open.computeIfPresent(client, (key, held) -> held - bytes <= 0 ? null : held - bytes);
    }

    /** One body arriving: read as it comes, then dispatched; or refused once too large or too slow. */
    private final class Arrival implements ReadListener, AsyncListener {

        private final AsyncContext async;
        private final HttpServletRequest request;
        private final HttpServletResponse response;
        private final ServletInputStream in;
        private final DataSize max;
        private final String client;
        private final long bytes;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final byte[] chunk = new byte[8192];
        /** set once: dispatched with the body, or answered */
        private final AtomicBoolean settled = new AtomicBoolean();

        Arrival(
                AsyncContext async,
                HttpServletRequest request,
                HttpServletResponse response,
                ServletInputStream in,
                DataSize max,
                String client,
                long bytes) {
            this.async = async;
            this.request = request;
            this.response = response;
            this.in = in;
            this.max = max;
            this.client = client;
            this.bytes = bytes;
        }

        @Override
        public void onDataAvailable() throws IOException {
            while (!settled.get() && in.isReady()) {
                int n = in.read(chunk);
                if (n < 0) {
                    return; // onAllDataRead follows
                }
                body.write(chunk, 0, n);
                if (body.size() > max.toBytes()) {
                    metrics.rejected(ApiMetrics.Rejection.TOO_LARGE);
                    answer(HttpStatus.CONTENT_TOO_LARGE, "Content Too Large", BodyTooLargeException.detail(max));
                    return;
                }
            }
        }

        @Override
        public void onAllDataRead() {
            if (settled.compareAndSet(false, true)) {
                request.setAttribute(BODY, body.toByteArray());
                async.dispatch();
            }
        }

        @Override
        public void onError(Throwable failure) {
            if (settled.compareAndSet(false, true)) {
                async.complete(); // the client went away
            }
        }

        @Override
        public void onTimeout(AsyncEvent event) throws IOException {
            metrics.rejected(ApiMetrics.Rejection.TOO_SLOW);
            answer(
                    HttpStatus.REQUEST_TIMEOUT,
                    "Request Timeout",
                    "The body did not arrive within " + properties.bodyTimeout().toSeconds()
                            + " s; nothing was stored.");
        }

        @Override
        public void onComplete(AsyncEvent event) {
            leave(client, bytes);
        }

        @Override
        public void onError(AsyncEvent event) {
            onError(event.getThrowable());
        }

        @Override
        public void onStartAsync(AsyncEvent event) {}

        private void answer(HttpStatus status, String title, String detail) throws IOException {
            if (settled.compareAndSet(false, true)) {
                response.setHeader(HttpHeaders.CONNECTION, "close");
                ProblemResponses.write(response, status, title, detail);
                async.complete();
            }
        }
    }
}
