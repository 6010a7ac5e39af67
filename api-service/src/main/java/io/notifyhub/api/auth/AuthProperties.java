package io.notifyhub.api.auth;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param bootstrapKeys keys registered at start-up, each {@code client:key} or {@code client:key:admin}; how the
 *                      first admin key comes to be (and {@code ./run-local}'s development key)
 * @param cacheFor      how long a key lookup is cached; a revoked key works at most this long on a replica
 */
@ConfigurationProperties("notifyhub.api.auth")
public record AuthProperties(
        @DefaultValue List<String> bootstrapKeys,
        @DefaultValue("5s") Duration cacheFor) {}
