package io.notifyhub.api.auth;

import io.notifyhub.model.store.StoreFailures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.TaskScheduler;

/**
 * Creates the key indexes and registers the bootstrap keys at start-up. A malformed entry stops the start; a
 * store that is down does not: the keys are stored once it answers (tried again every {@link #RETRY}), as the
 * other start-up writes are left until the store is back.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuthProperties.class)
class AuthConfiguration {

    static final Duration RETRY = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(AuthConfiguration.class);

    @Bean
    ApplicationRunner bootstrapKeys(ApiKeys keys, AuthProperties properties, TaskScheduler scheduler) {
        return args -> {
            List<BootstrapKey> bootstrap =
                    properties.bootstrapKeys().stream().map(BootstrapKey::parse).toList();
            if (!store(keys, bootstrap)) {
                AtomicReference<ScheduledFuture<?>> retry = new AtomicReference<>();
                retry.set(scheduler.scheduleWithFixedDelay(
                        () -> {
                            if (store(keys, bootstrap)) {
                                retry.get().cancel(false);
                            }
                        },
                        Instant.now().plus(RETRY),
                        RETRY));
            }
        };
    }

    /** @return false when the store is unavailable (nothing else is caught) */
    private static boolean store(ApiKeys keys, List<BootstrapKey> bootstrap) {
        try {
            keys.createIndexes();
            for (BootstrapKey key : bootstrap) {
                keys.register(key.key(), key.clientId(), key.admin());
                log.info("API key for client {} registered{}", key.clientId(), key.admin() ? " (admin)" : "");
            }
            return true;
        } catch (RuntimeException e) {
            if (!StoreFailures.isUnavailable(e)) {
                throw e;
            }
            log.warn(
                    "Store unavailable, the bootstrap keys are stored once it answers (tried every {}): {}",
                    RETRY,
                    e.getMessage());
            return false;
        }
    }

    /** One {@code client:key} or {@code client:key:admin} entry of {@code notifyhub.api.auth.bootstrap-keys}. */
    record BootstrapKey(String clientId, String key, boolean admin) {

        static BootstrapKey parse(String entry) {
            String[] parts = entry.trim().split(":");
            if (parts.length < 2 || parts.length > 3 || (parts.length == 3 && !parts[2].equals("admin"))) {
                throw new IllegalArgumentException(
                        "notifyhub.api.auth.bootstrap-keys entries are client:key or client:key:admin");
            }
            return new BootstrapKey(parts[0], parts[1], parts.length == 3);
        }
    }
}
