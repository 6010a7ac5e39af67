package io.notifyhub.api.idempotency;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param ttl             how long a key is remembered
 * @param inFlightTimeout how long a request with a key may take before a repeat may take it over
 */
@ConfigurationProperties("notifyhub.idempotency")
public record IdempotencyProperties(
        @DefaultValue("24h") Duration ttl,
        @DefaultValue("30s") Duration inFlightTimeout) {}
