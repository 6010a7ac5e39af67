package io.notifyhub.worker.provider.simulated;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param latency     how long each send takes
 * @param failureRate share of sends that fail with a retryable error, 0 to 1
 * @param recordFile  if set, every delivery appends a line {@code jobId attempt worker} to this file, and every
 *                    repeat of a delivered job one ending in {@code repeat}; workers sharing the file share the
 *                    provider's idempotency keys (tests count deliveries across processes from it)
 * @param failRecipients if set, a recipient (email address, phone number or device token) matching this regular
 *                    expression in full is refused for good, as a real provider refuses an invalid address: the
 *                    job fails at once, without retries (for demonstrations and tests of dead letters)
 */
@ConfigurationProperties("notifyhub.providers.simulated")
public record SimulatedProviderProperties(
        @DefaultValue("0ms") Duration latency,
        @DefaultValue("0") double failureRate,
        Path recordFile,
        Pattern failRecipients) {

    public SimulatedProviderProperties {
        if (failureRate < 0 || failureRate > 1) {
            throw new IllegalArgumentException("notifyhub.providers.simulated.failure-rate must be between 0 and 1");
        }
    }
}
