package io.notifyhub.worker.delivery;

import io.notifyhub.model.JobMessage;
import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.topology.Topology;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a message waits when its job cannot go now: in a delay queue, whose tier is chosen here, and from which
 * it comes back to its work queue. When the broker does not take the parked copy, the message is requeued
 * instead, so the job is never left without a message.
 */
final class DelayParking {

    private static final Logger log = LoggerFactory.getLogger(DelayParking.class);

    private final JobPublisher publisher;
    private final List<Duration> tiers;
    private final Topology topology;

    DelayParking(JobPublisher publisher, Topology topology) {
        this.publisher = publisher;
        this.topology = topology;
        this.tiers = topology.delayTiers().stream().sorted().toList();
    }

    /**
     * Publishes the job's message to the delay queue of {@code tier}.
     *
     * @param why for the log when it cannot be parked
     * @return {@link Disposition#ACK} for the original message once the copy is parked, else
     *         {@link Disposition#REQUEUE}: the original comes back now rather than after the delay
     */
    Disposition park(String jobId, String routingKey, Duration tier, String why) {
        try {
            publisher.publish(Topology.delayName(tier), routingKey, JobMessage.of(jobId));
            return Disposition.ACK;
        } catch (JobPublisher.PublishException e) {
            log.warn("Could not park job {} ({}): {}; requeueing it", jobId, why, e.getMessage());
            return Disposition.REQUEUE;
        }
    }

    /** The shortest delay tier at least {@code wait} long (the longest tier when none is; the shortest for null). */
    Duration tierCovering(Duration wait) {
        if (wait == null) {
            return tiers.getFirst();
        }
        return tiers.stream()
                .filter(tier -> tier.compareTo(wait) >= 0)
                .findFirst()
                .orElse(tiers.getLast());
    }

    /** The last configured tier: how long a message waits before it looks again at a job another worker holds. */
    Duration lookAgain() {
        return topology.delayTiers().getLast();
    }

    /**
     * The wait before attempt {@code nextAttempt}: the backoff's tier, or a longer one when the provider asked
     * for a longer wait (429 Retry-After).
     */
    Duration retryDelay(int nextAttempt, Duration retryAfter) {
        Duration delay = topology.delayBefore(nextAttempt);
        return retryAfter != null && retryAfter.compareTo(delay) > 0 ? tierCovering(retryAfter) : delay;
    }
}
