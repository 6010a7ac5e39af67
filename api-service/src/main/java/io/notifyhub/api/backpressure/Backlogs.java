package io.notifyhub.api.backpressure;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.notifyhub.model.Channel;
import io.notifyhub.model.Priority;
import io.notifyhub.model.topology.Topology;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Each channel's backlog, the ready messages of its work queues (normal and high), read from the broker in the
 * background every {@code check-every} on a thread of its own; a submission only compares the latest reading
 * with the channel's bound. While the broker cannot be read, the last reading stands.
 *
 * <p>Gauges: {@code notifyhub_api_backlog{channel}} (the reading) and {@code notifyhub_api_backlog_limit{channel}}
 * (the bound; 0 with backpressure off), for the dashboard to show next to the queue depth.
 */
@Component
@EnableConfigurationProperties(BackpressureProperties.class)
public class Backlogs implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Backlogs.class);

    private final BackpressureProperties properties;
    private final AmqpAdmin admin;
    private final Map<Channel, Long> bounds;
    private final Map<Channel, Long> backlogs = new ConcurrentHashMap<>();
    private ScheduledExecutorService checker;

    Backlogs(BackpressureProperties properties, AmqpAdmin admin, MeterRegistry registry, Topology topology) {
        this.properties = properties;
        this.admin = admin;
        this.bounds = properties.bounds();
        long queueLimit = topology.maxQueueLength();
        bounds.forEach((channel, bound) -> {
            if (properties.enabled() && queueLimit > 0 && bound >= queueLimit) {
                // the queue then refuses publishes first: jobs are stored and wait unpublished instead of being
                // refused at the door, and retries coming back from the delay queues can be dropped
                log.warn(
                        "The {} backlog bound ({}) is not below notifyhub.topology.max-queue-length ({}): keep it "
                                + "well below, so the API refuses submissions before the queue refuses messages",
                        channel,
                        bound,
                        queueLimit);
            }
        });
        for (Channel channel : Channel.values()) {
            backlogs.put(channel, 0L);
            Gauge.builder("notifyhub.api.backlog", backlogs, b -> b.get(channel))
                    .description("Ready messages in the channel's work queues, as backpressure last read them")
                    .tag("channel", channel.value())
                    .register(registry);
            Gauge.builder("notifyhub.api.backlog.limit", () -> properties.enabled() ? bounds.get(channel) : 0)
                    .description("The backlog past which submissions for the channel are refused (0: no bound)")
                    .tag("channel", channel.value())
                    .register(registry);
        }
    }

    /**
     * @throws BacklogFullException when any of these channels is over its bound (a batch is refused as a whole)
     */
    public void check(Collection<Channel> channels) {
        if (!properties.enabled()) {
            return;
        }
        Map<Channel, Long> over = new EnumMap<>(Channel.class);
        for (Channel channel : channels) {
            long backlog = backlogs.get(channel);
            if (backlog >= bounds.get(channel)) {
                over.put(channel, backlog);
            }
        }
        if (!over.isEmpty()) {
            throw new BacklogFullException(over, bounds, properties.retryAfter().toSeconds());
        }
    }

    /** Whether the channel's backlog is over its bound: its jobs may wait to be published. */
    public boolean isFull(Channel channel) {
        return properties.enabled() && backlogs.get(channel) >= bounds.get(channel);
    }

    void refresh() {
        try {
            for (Channel channel : Channel.values()) {
                long ready = 0;
                for (Priority priority : Priority.values()) {
                    QueueInformation info = admin.getQueueInfo(Topology.workQueue(channel, priority));
                    ready += info == null ? 0 : info.getMessageCount();
                }
                backlogs.put(channel, ready);
            }
        } catch (RuntimeException e) {
            log.debug("Backlogs not read, broker unavailable: {}", e.getMessage());
        }
    }

    @Override
    public void start() {
        checker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("backlog-check").daemon().factory());
        checker.scheduleWithFixedDelay(this::refresh, 0, properties.checkEvery().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        checker.shutdownNow();
        checker = null;
    }

    @Override
    public boolean isRunning() {
        return checker != null;
    }
}
