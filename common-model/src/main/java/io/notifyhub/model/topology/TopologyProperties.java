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
 */
@ConfigurationProperties("notifyhub.topology")
public record TopologyProperties(
        @DefaultValue({"1s", "5s", "25s"}) List<Duration> delayTiers,
        @DefaultValue("20") int deliveryLimit) {

    public TopologyProperties {
        if (delayTiers == null || delayTiers.isEmpty()) {
            throw new IllegalArgumentException("notifyhub.topology.delay-tiers needs at least one tier");
        }
        delayTiers = List.copyOf(delayTiers);
    }
}
