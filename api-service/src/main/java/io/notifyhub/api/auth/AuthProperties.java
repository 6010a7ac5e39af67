package io.notifyhub.api.auth;

import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
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
        @DefaultValue("5s") Duration cacheFor) {

    /**
     * A cache of what the store says about a key or a client. An entry is looked up again in the background once
     * it is {@code cacheFor} old, and served from the cache meanwhile, so requests never queue behind a slow store
     * for what they already proved; an entry the store could not refresh for a while expires, and the next request
     * waits for a fresh answer.
     */
    <V> LoadingCache<String, V> cache(CacheLoader<String, V> lookUp) {
        return Caffeine.newBuilder()
                .maximumSize(10_000)
                .refreshAfterWrite(cacheFor)
                .expireAfterWrite(cacheFor.multipliedBy(6))
                .build(lookUp);
    }
}
