package io.notifyhub.worker.heartbeat;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param every     how often the worker writes its heartbeat document (at least 1s)
 * @param expireAfter how long a heartbeat stays in the store when not written again (MongoDB's TTL monitor removes
 *                  it then, within about a minute); longer than {@code every}
 */
@ConfigurationProperties("notifyhub.worker.heartbeat")
public record HeartbeatProperties(
        @DefaultValue("5s") Duration every,
        @DefaultValue("10m") Duration expireAfter) {

    public HeartbeatProperties {
        if (every.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("notifyhub.worker.heartbeat.every must be at least 1s");
        }
        if (expireAfter.compareTo(every) <= 0) {
            throw new IllegalArgumentException(
                    "notifyhub.worker.heartbeat.expire-after must be longer than notifyhub.worker.heartbeat.every");
        }
    }
}
