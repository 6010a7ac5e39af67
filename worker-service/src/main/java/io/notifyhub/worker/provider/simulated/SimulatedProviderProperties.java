package io.notifyhub.worker.provider.simulated;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param latency     how long each send takes
 * @param failureRate share of sends that fail with a retryable error, 0 to 1
 */
@ConfigurationProperties("notifyhub.providers.simulated")
public record SimulatedProviderProperties(
        @DefaultValue("0ms") Duration latency,
        @DefaultValue("0") double failureRate) {

    public SimulatedProviderProperties {
        if (failureRate < 0 || failureRate > 1) {
            throw new IllegalArgumentException("notifyhub.providers.simulated.failure-rate must be between 0 and 1");
        }
    }
}
