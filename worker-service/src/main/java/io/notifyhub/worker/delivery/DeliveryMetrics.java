package io.notifyhub.worker.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobStatus;
import java.time.Duration;
import org.springframework.stereotype.Component;

/** What the worker did: deliveries by outcome, latencies as histograms, retries, dead letters. */
@Component
class DeliveryMetrics {

    private final MeterRegistry registry;

    DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
        // at zero from the start, so a dashboard shows "none" rather than "no data"
        for (JobStatus status : new JobStatus[] {JobStatus.SENT, JobStatus.FAILED, JobStatus.CANCELLED}) {
            duplicates(status);
        }
    }

    /** One provider call, and its outcome: {@code sent}, {@code retry} or {@code failed}. */
    void providerCall(Channel channel, String provider, String outcome, Duration took) {
        Timer.builder("notifyhub.provider.call")
                .description("Provider call latency")
                .tags("channel", channel.value(), "provider", provider, "outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(1))
                .register(registry)
                .record(took);
    }

    /** The outcome of an attempt: {@code sent}, {@code retry} or {@code failed}. */
    void delivery(Channel channel, String provider, String outcome) {
        Counter.builder("notifyhub.deliveries")
                .description("Delivery attempts by outcome")
                .tags("channel", channel.value(), "provider", provider, "outcome", outcome)
                .register(registry)
                .increment();
    }

    /** From the job's creation to its being sent. */
    void endToEnd(Channel channel, Duration latency) {
        Timer.builder("notifyhub.delivery.latency")
                .description("Created to sent")
                .tag("channel", channel.value())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry)
                .record(latency);
    }

    /** A job parked without an attempt: {@code sender_limit} or {@code providers_unavailable}. */
    void deferred(Channel channel, String reason) {
        Counter.builder("notifyhub.deferred")
                .description("Jobs that waited for their provider chain, no attempt spent")
                .tags("channel", channel.value(), "reason", reason)
                .register(registry)
                .increment();
    }

    void retry(Channel channel, Duration tier) {
        Counter.builder("notifyhub.retries")
                .description("Retries parked in a delay tier")
                .tags("channel", channel.value(), "tier", tier.toString())
                .register(registry)
                .increment();
    }

    /**
     * A message whose job could not be claimed and is not held by another worker (sent, failed or cancelled
     * already), dropped: a job published twice (the reconciler taking over a publish that was only slow, a
     * redelivery after a crash) shows here, and costs a claim and a read.
     */
    void duplicate(JobStatus status) {
        duplicates(status).increment();
    }

    private Counter duplicates(JobStatus status) {
        return Counter.builder("notifyhub.duplicate.messages")
                .description("Messages dropped because their job was already done (a job published twice)")
                .tag("status", status.value())
                .register(registry);
    }

    /** {@code poison}, {@code unknown_job}, {@code failed} or {@code crash_loop}. */
    void deadLettered(String reason) {
        Counter.builder("notifyhub.dead.letters")
                .description("Messages rejected into the dead-letter queue")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }
}
