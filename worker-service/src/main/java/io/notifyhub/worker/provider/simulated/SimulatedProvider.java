package io.notifyhub.worker.provider.simulated;

import io.notifyhub.model.Channel;
import io.notifyhub.worker.provider.DeliveryRequest;
import io.notifyhub.worker.provider.DeliveryResult;
import io.notifyhub.worker.provider.NotificationProvider;
import io.notifyhub.worker.config.WorkerProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
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
    private final String worker;
    private final Map<String, AtomicInteger> sent = new ConcurrentHashMap<>();
    private final FileChannel record;

    public SimulatedProvider(SimulatedProviderProperties properties, WorkerProperties worker) throws IOException {
        this.properties = properties;
        this.worker = worker.id();
        this.record = properties.recordFile() == null ? null : FileChannel.open(properties.recordFile(),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
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
        record(request);
        return new DeliveryResult.Sent("sim-" + UUID.randomUUID());
    }

    /** One write per send, straight to the file (no buffer), so a killed worker loses no line. */
    private void record(DeliveryRequest request) {
        if (record == null) {
            return;
        }
        ByteBuffer line = ByteBuffer.wrap((request.jobId() + " " + request.attempt() + " " + worker + "\n")
                .getBytes(StandardCharsets.US_ASCII));
        try {
            synchronized (record) {
                while (line.hasRemaining()) {
                    record.write(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record a simulated send", e);
        }
    }

    /** How many times this job was sent by this process. */
    public int timesSent(String jobId) {
        AtomicInteger count = sent.get(jobId);
        return count == null ? 0 : count.get();
    }
}
