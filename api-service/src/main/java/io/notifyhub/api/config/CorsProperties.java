package io.notifyhub.api.config;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.web.cors.CorsConfiguration;

/**
 * Which web pages of other origins may call the API from a browser (CORS). None by default: the API is for
 * servers and for the console, which is served from the API's own origin.
 *
 * @param allowedOrigins   origins such as {@code https://app.example.com}; {@code *} allows any (then never with
 *                         credentials)
 * @param allowedMethods   methods a page may use
 * @param allowedHeaders   request headers a page may send
 * @param exposedHeaders   response headers a page may read
 * @param maxAge           how long a browser may keep a preflight's answer
 * @param allowCredentials whether a browser may send cookies or HTTP authentication with the request (the API
 *                         needs neither: its key goes in {@code Authorization}, which a page sets itself)
 */
@ConfigurationProperties("notifyhub.api.cors")
public record CorsProperties(
        List<String> allowedOrigins,
        @DefaultValue({"GET", "POST", "PUT", "DELETE"}) List<String> allowedMethods,

        @DefaultValue({"Authorization", "Content-Type", "Content-Encoding", "Idempotency-Key"})
        List<String> allowedHeaders,

        @DefaultValue({"Location", "Link", "Retry-After", "Idempotent-Replayed", "RateLimit", "RateLimit-Policy"})
        List<String> exposedHeaders,

        @DefaultValue("30m") Duration maxAge,
        @DefaultValue("false") boolean allowCredentials) {

    public CorsProperties {
        allowedOrigins = allowedOrigins == null
                ? List.of()
                : allowedOrigins.stream()
                        .map(String::trim)
                        .filter(origin -> !origin.isEmpty())
                        .toList();
        if (allowCredentials && allowedOrigins.contains(CorsConfiguration.ALL)) {
            throw new IllegalArgumentException("notifyhub.api.cors: allow-credentials cannot be true while "
                    + "allowed-origins has '*' (any page could then act with a user's credentials); name the origins");
        }
        for (String origin : allowedOrigins) {
            if (!origin.equals(CorsConfiguration.ALL) && !origin.matches("https?://[^/?#*\\s]+")) {
                throw new IllegalArgumentException("notifyhub.api.cors.allowed-origins: '" + origin
                        + "' is not an origin (scheme://host[:port], without a path) or '*'");
            }
        }
    }

    /** The CORS configuration of the API, or null when no origin is allowed (no CORS at all). */
    CorsConfiguration toConfiguration() {
        if (allowedOrigins.isEmpty()) {
            return null;
        }
        CorsConfiguration configuration = new CorsConfiguration();
        configuration.setAllowedOrigins(allowedOrigins);
        configuration.setAllowedMethods(allowedMethods);
        configuration.setAllowedHeaders(allowedHeaders);
        configuration.setExposedHeaders(exposedHeaders);
        configuration.setMaxAge(maxAge);
        configuration.setAllowCredentials(allowCredentials);
        configuration.validateAllowCredentials();
        return configuration;
    }
}
