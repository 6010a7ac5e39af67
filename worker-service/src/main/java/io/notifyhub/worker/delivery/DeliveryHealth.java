package io.notifyhub.worker.delivery;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code deliveries} health of a worker, from its watchdog: down while any delivery has been running for
 * longer than {@code notifyhub.worker.stall-after} (stuck in a provider, or waiting for a store that is gone),
 * with how many run, the oldest's age and how many are stalled. It is part of readiness, so an SRE sees a
 * worker that cannot deliver, and not of liveness: a worker that is merely busy is not restarted, and one
 * that restarted would only start into the same trouble.
 */
@Component("deliveries")
class DeliveryHealth implements HealthIndicator {

    private final DeliveryListener deliveries;

    DeliveryHealth(DeliveryListener deliveries) {
        this.deliveries = deliveries;
    }

    @Override
    public Health health() {
        DeliveryListener.Watch watch = deliveries.watch();
        return (watch.stalled() > 0 ? Health.down() : Health.up())
                .withDetail("inFlight", watch.running())
                .withDetail("maxInFlight", watch.limit())
                .withDetail("oldestSeconds", Math.round(watch.oldest().toMillis() / 100.0) / 10.0)
                .withDetail("stalled", watch.stalled())
                .withDetail("stallAfter", watch.stallAfter().toString())
                .build();
    }
}
