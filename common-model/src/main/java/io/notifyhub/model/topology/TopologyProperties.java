package io.notifyhub.model.topology;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Broker topology settings. The API and the workers must agree on them, since both declare the topology.
 *
 * @param delayTiers    how long a retry waits before attempt 2, 3, ... (the last tier repeats)
 * @param deliveryLimit deliveries of one message before the quorum queue dead-letters it (crash-loop guard)
 * @param maxQueueLength most messages one work queue holds ({@code x-max-length} with {@code x-overflow:
 *                      reject-publish}: past it the broker nacks a publish, and the job waits, stored, for the
 *                      reconciler); 0 for no limit
 */
@ConfigurationProperties("notifyhub.topology")
public record TopologyProperties(
        @DefaultValue({"1s", "5s", "25s"}) List<Duration> delayTiers,
        @DefaultValue("20") int deliveryLimit,
        @DefaultValue("1000000") long maxQueueLength) {

    public TopologyProperties {
        if (delayTiers == null || delayTiers.isEmpty()) {
            throw new IllegalArgumentException("notifyhub.topology.delay-tiers needs at least one tier");
        }
        delayTiers = List.copyOf(delayTiers);
        if (maxQueueLength < 0) {
            throw new IllegalArgumentException("notifyhub.topology.max-queue-length must be 0 (no limit) or more");
        }
    }
}
