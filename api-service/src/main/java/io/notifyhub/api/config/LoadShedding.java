package io.notifyhub.api.config;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
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
 * Caps the job submissions in flight (a Resilience4j bulkhead). With virtual threads nothing else bounds
 * them, and after an outage every client retries at once: past the cap the API answers {@code 503} with
 * {@code Retry-After} straight away and stays healthy.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE) // before anything that may wait (the key lookup, the body), or waiters pile up
@EnableConfigurationProperties(ApiProperties.class)
class LoadShedding extends OncePerRequestFilter {

    private final Bulkhead bulkhead;
    private final ApiMetrics metrics;

    LoadShedding(ApiProperties properties, ApiMetrics metrics) {
        this.metrics = metrics;
        this.bulkhead = Bulkhead.of("submissions", BulkheadConfig.custom()
                .maxConcurrentCalls(properties.maxInFlight())
                .maxWaitDuration(Duration.ofMillis(100))
                .build());
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod()) || !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            bulkhead.acquirePermission();
        } catch (BulkheadFullException full) {
            metrics.rejected(ApiMetrics.Rejection.OVERLOADED);
            response.setHeader("Retry-After", "1");
            ProblemResponses.write(response, HttpStatus.SERVICE_UNAVAILABLE, "Overloaded",
                    "Too many submissions in flight; nothing was stored. Retry shortly.");
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            bulkhead.onComplete();
        }
    }
}
