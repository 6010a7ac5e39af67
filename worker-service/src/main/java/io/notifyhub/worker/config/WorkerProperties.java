package io.notifyhub.worker.config;

import io.notifyhub.model.Channel;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param id          this worker's name in job claims and history (default: host and pid)
 * @param channels    the channels whose work queues this worker consumes
 * @param maxAttempts attempts before a retryable failure becomes final
 * @param lease       how long a claim holds; after it another worker may claim the job again. Longer than
 *                    any provider call.
 * @param providers   the provider chain per channel: names in the order they are tried (default
 *                    {@code simulated})
 * @param storeRetry  pause between tries of a store write while the store is unreachable
 * @param shutdownTimeout on SIGTERM, how long deliveries in flight may take to finish; what is still
 *                    unfinished then goes back to the queue
 * @param priorityConcurrency consumers of the {@code high} priority queues, apart from those of the normal ones,
 *                    so a normal backlog never delays a high job
 * @param maxInFlight  deliveries (claim, provider call, outcome) one worker runs at once, each on a virtual
 *                    thread; with a provider latency L, one worker sends at most {@code maxInFlight / L} a second
 * @param priorityMaxInFlight the same for the {@code high} queues, in slots of their own
 * @param claimConcurrency claims one worker sends to the store at once, in one round trip (per priority lane);
 *                    deliveries beyond them wait before their job is claimed
 * @param stallAfter  a delivery running longer than this is stalled: the watchdog counts it
 *                    ({@code notifyhub_worker_deliveries_stalled}) and the worker's readiness goes down until none is
 */
@ConfigurationProperties("notifyhub.worker")
public record WorkerProperties(
        String id,
        @DefaultValue({"email", "sms", "push"}) List<Channel> channels,
        @DefaultValue("3") int maxAttempts,
        @DefaultValue("2m") Duration lease,
        Map<Channel, List<String>> providers,
        @DefaultValue("1s") Duration storeRetry,
        @DefaultValue("20s") Duration shutdownTimeout,
        @DefaultValue("4") int priorityConcurrency,
        @DefaultValue("256") int maxInFlight,
        @DefaultValue("32") int priorityMaxInFlight,
        @DefaultValue("16") int claimConcurrency,
        @DefaultValue("1m") Duration stallAfter) {

    public static final String DEFAULT_PROVIDER = "simulated";

    public WorkerProperties {
        if (id == null || id.isBlank()) {
            id = ManagementFactory.getRuntimeMXBean().getName();
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("notifyhub.worker.max-attempts must be at least 1");
        }
        if (priorityConcurrency < 1) {
            throw new IllegalArgumentException("notifyhub.worker.priority-concurrency must be at least 1");
        }
        if (maxInFlight < 1 || priorityMaxInFlight < 1 || claimConcurrency < 1) {
            throw new IllegalArgumentException(
                    "notifyhub.worker.max-in-flight, priority-max-in-flight and claim-concurrency must be at least 1");
        }
        providers = providers == null ? Map.of() : Map.copyOf(providers);
        providers.forEach((channel, chain) -> {
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("notifyhub.worker.providers." + channel + " names no provider");
            }
        });
        channels = List.copyOf(channels);
    }
}
