package io.notifyhub.api.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Creates the key indexes and registers the bootstrap keys at start-up. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AuthProperties.class)
class AuthConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AuthConfiguration.class);

    @Bean
    ApplicationRunner bootstrapKeys(ApiKeys keys, AuthProperties properties) {
        return args -> {
            keys.createIndexes();
            for (String entry : properties.bootstrapKeys()) {
                String[] parts = entry.trim().split(":");
                if (parts.length < 2 || parts.length > 3 || (parts.length == 3 && !parts[2].equals("admin"))) {
                    throw new IllegalArgumentException(
                            "notifyhub.api.auth.bootstrap-keys entries are client:key or client:key:admin");
                }
                keys.register(parts[1], parts[0], parts.length == 3);
                log.info("API key for client {} registered{}", parts[0], parts.length == 3 ? " (admin)" : "");
            }
        };
    }
}
