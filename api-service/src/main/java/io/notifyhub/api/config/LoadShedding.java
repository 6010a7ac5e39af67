package io.notifyhub.api.config;

import io.notifyhub.api.auth.Caller;
import io.notifyhub.api.ops.ApiMetrics;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps the submissions in flight ({@code notifyhub.api.max-in-flight}), shared fairly between clients
 * ({@link FairSlots}): after an outage every client retries at once, and past the cap the API answers
 * {@code 503} with {@code Retry-After} straight away and stays healthy. A slot is taken only once the body has
 * arrived ({@link RequestBodies}), so a slot holds work that is ready, never a client still sending.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
@EnableConfigurationProperties(ApiProperties.class)
class LoadShedding extends OncePerRequestFilter {

    private static final Duration WAIT = Duration.ofMillis(100);

    private final FairSlots slots;
    private final ApiMetrics metrics;

    LoadShedding(ApiProperties properties, ApiMetrics metrics) {
        this.metrics = metrics;
        this.slots = new FairSlots(properties.maxInFlight());
    }

    /** A request whose body arrived later is dispatched again, and takes its slot then (RequestBodies). */
    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod()) || !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String client = request.getAttribute(Caller.ATTRIBUTE) instanceof Caller caller ? caller.clientId() : "";
        boolean granted;
        try {
            granted = slots.acquire(client, WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            granted = false;
        }
        if (!granted) {
            metrics.rejected(ApiMetrics.Rejection.OVERLOADED);
            response.setHeader("Retry-After", "1");
            ProblemResponses.write(
                    response,
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "Overloaded",
                    "Too many submissions in flight; nothing was stored. Retry shortly.");
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            slots.release(client);
        }
    }
}
