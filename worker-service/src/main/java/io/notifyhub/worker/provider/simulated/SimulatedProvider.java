package io.notifyhub.worker.provider.simulated;

import io.notifyhub.model.Channel;
import io.notifyhub.worker.provider.DeliveryRequest;
import io.notifyhub.worker.provider.DeliveryResult;
import io.notifyhub.worker.provider.NotificationProvider;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * A provider for every channel that sends nothing: it waits the configured latency, fails at the configured
 * rate (retryable), and counts what it "sent" per job id, so duplicates are visible. For local runs,
 * tests and benchmarks.
 */
@Component
public class SimulatedProvider implements NotificationProvider {

    public static final String NAME = "simulated";

    private final SimulatedProviderProperties properties;
    private final Map<String, AtomicInteger> sent = new ConcurrentHashMap<>();

    public SimulatedProvider(SimulatedProviderProperties properties) {
        this.properties = properties;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Channel> channels() {
        return EnumSet.allOf(Channel.class);
    }

    @Override
    public DeliveryResult send(DeliveryRequest request) {
        long latency = properties.latency().toMillis();
        if (latency > 0) {
            try {
                Thread.sleep(latency);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new DeliveryResult.Retryable("interrupted");
            }
        }
        if (properties.failureRate() > 0 && ThreadLocalRandom.current().nextDouble() < properties.failureRate()) {
            return new DeliveryResult.Retryable("simulated failure");
        }
        sent.computeIfAbsent(request.jobId(), id -> new AtomicInteger()).incrementAndGet();
        return new DeliveryResult.Sent("sim-" + UUID.randomUUID());
    }

    /** How many times this job was sent by this process. */
    public int timesSent(String jobId) {
        AtomicInteger count = sent.get(jobId);
        return count == null ? 0 : count.get();
    }
}
