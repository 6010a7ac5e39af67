package io.notifyhub.worker.provider.simulated;

import io.notifyhub.model.Channel;
import io.notifyhub.worker.config.WorkerProperties;
import io.notifyhub.worker.provider.DeliveryRequest;
import io.notifyhub.worker.provider.DeliveryResult;
import io.notifyhub.worker.provider.NotificationProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.stereotype.Component;

/**
 * A provider for every channel that sends nothing: it waits the configured latency and fails at the
 * configured rate (retryable); recipients matching the configured pattern it refuses for good. Like a provider API with idempotency keys, it takes the job id as the key:
 * a job it already delivered is answered as delivered again and not delivered twice. With a record file,
 * every delivery (and every repeat it absorbed) is a line in that file, and the key holds across all the
 * processes that share it; without one, within this process.
 */
@Component
public class SimulatedProvider implements NotificationProvider {

    public static final String NAME = "simulated";

    /** Where each channel's payload keeps its recipient. */
    private static final Map<Channel, String> RECIPIENT_FIELDS =
            Map.of(Channel.EMAIL, "recipient", Channel.SMS, "phone", Channel.PUSH, "token");

    private final SimulatedProviderProperties properties;
    private final String worker;
    private final Set<String> delivered = ConcurrentHashMap.newKeySet();
    private final FileChannel record;
    private long recordRead;

    public SimulatedProvider(SimulatedProviderProperties properties, WorkerProperties worker) throws IOException {
        this.properties = properties;
        this.worker = worker.id();
        this.record = properties.recordFile() == null
                ? null
                : FileChannel.open(
                        properties.recordFile(),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
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
        if (refuses(request)) {
            return new DeliveryResult.Permanent("simulated: recipient refused");
        }
        if (properties.failureRate() > 0 && ThreadLocalRandom.current().nextDouble() < properties.failureRate()) {
            return new DeliveryResult.Retryable("simulated failure");
        }
        if (record == null) {
            delivered.add(request.jobId());
        } else {
            deliverOnce(request);
        }
        return new DeliveryResult.Sent("sim-" + request.jobId());
    }

    private boolean refuses(DeliveryRequest request) {
        if (properties.failRecipients() == null) {
            return false;
        }
        String recipient = request.text(RECIPIENT_FIELDS.get(request.channel()));
        return recipient != null
                && properties.failRecipients().matcher(recipient).matches();
    }

    /**
     * Under an exclusive lock on the shared file: learn what the other processes delivered since the last
     * look, then record this delivery, or a repeat if the key was delivered already. One write per line,
     * straight to the file, so a killed worker loses no line.
     */
    private void deliverOnce(DeliveryRequest request) {
        synchronized (record) {
            try (FileLock lock = record.lock()) {
                long size = record.size();
                if (size > recordRead) {
                    ByteBuffer news = ByteBuffer.allocate(Math.toIntExact(size - recordRead));
                    while (news.hasRemaining() && record.read(news, recordRead + news.position()) >= 0) {
                        // read all
                    }
                    for (String line : new String(news.array(), StandardCharsets.US_ASCII).split("\n")) {
                        if (!line.isBlank() && !line.endsWith(" repeat")) {
                            delivered.add(line.substring(0, line.indexOf(' ')));
                        }
                    }
                }
                boolean repeat = !delivered.add(request.jobId());
                ByteBuffer line = ByteBuffer.wrap(
                        (request.jobId() + " " + request.attempt() + " " + worker + (repeat ? " repeat" : "") + "\n")
                                .getBytes(StandardCharsets.US_ASCII));
                long at = size;
                while (line.hasRemaining()) {
                    at += record.write(line, at);
                }
                recordRead = at;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot record a simulated send", e);
            }
        }
    }
}
