package io.notifyhub.api.auth;

import io.notifyhub.api.config.ProblemResponses;
import io.notifyhub.model.store.StoreFailures;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every {@code /api/} request but the API's own documentation needs {@code Authorization: Bearer <key>}; a
 * missing, malformed, unknown or revoked key is a {@code 401} problem and the request goes no further. The
 * caller is left in a request attribute for the controllers ({@link Caller#ATTRIBUTE}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE
        + 1) // after CORS (a preflight has no key), before the body and the slots, which are counted per client
class ApiKeyFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final ApiKeys keys;

    ApiKeyFilter(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !path.startsWith("/api/")
                || path.equals("/api/")
                || path.startsWith("/api/docs")
                || path.startsWith("/api/openapi")
                || path.startsWith("/api/swagger-ui");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            refuse(request, response, "Send an API key as 'Authorization: Bearer <key>'.");
            return;
        }
        Optional<Caller> caller;
        try {
            caller = keys.authenticate(header.substring(BEARER.length()).trim());
        } catch (RuntimeException e) {
            if (!StoreFailures.isUnavailable(e)) {
                throw e;
            }
            response.setHeader(HttpHeaders.RETRY_AFTER, "2");
            ProblemResponses.write(
                    response,
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "Store unavailable",
                    "The API key cannot be checked while the store is unavailable; nothing was stored. Try again shortly.");
            return;
        }
        if (caller.isEmpty()) {
            refuse(request, response, "The API key is unknown or revoked.");
            return;
        }
        request.setAttribute(Caller.ATTRIBUTE, caller.get());
        chain.doFilter(request, response);
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response, String detail)
            throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"notifyhub\"");
        // without reading what may be a slow body: no thread waits on a client without a key
        ProblemResponses.refuseUnread(request, response, HttpStatus.UNAUTHORIZED, "Unauthorized", detail);
    }
}
