package io.notifyhub.worker.delivery;

import com.rabbitmq.client.Channel;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.notifyhub.model.Priority;
import io.notifyhub.model.topology.Topology;
import io.notifyhub.worker.config.WorkerProperties;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.connection.ChannelProxy;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.stereotype.Component;

/**
 * Thin: a message in, handed to a delivery thread ({@link InFlightDeliveries}: a bounded pool of platform
 * threads) where the delivery service decides, and the message is acked, rejected or requeued when that
 * delivery ends. The listener threads only hand messages over, so one worker
 * holds as many sends in flight as {@code notifyhub.worker.max-in-flight} allows, not one per consumer.
 *
 * <p>When the application closes (SIGTERM), before the listener containers stop and close their channels, no
 * new delivery starts and those in flight get {@code shutdown-timeout} to finish and settle their messages;
 * messages not started stay unsettled and return to the queue when the channels close.
 */
@Component
class DeliveryListener implements ApplicationListener<ContextClosedEvent> {

    private static final Logger log = LoggerFactory.getLogger(DeliveryListener.class);

    /** Work queue name (of either priority) to its channel: the chain is asked before the job is read. */
    private static final Map<String, io.notifyhub.model.Channel> CHANNELS = Arrays.stream(
                    io.notifyhub.model.Channel.values())
            .flatMap(c -> Arrays.stream(Priority.values()).map(p -> Map.entry(Topology.workQueue(c, p), c)))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));

    private final DeliveryService deliveries;
    private final Duration shutdownTimeout;
    private final InFlightDeliveries normal;
    private final InFlightDeliveries priority;
    private final Duration stallAfter;

    DeliveryListener(DeliveryService deliveries, WorkerProperties properties, MeterRegistry registry) {
        this.deliveries = deliveries;
        this.shutdownTimeout = properties.shutdownTimeout();
        this.normal = new InFlightDeliveries("delivery", properties.maxInFlight());
        this.priority = new InFlightDeliveries("priority-delivery", properties.priorityMaxInFlight());
        this.stallAfter = properties.stallAfter();
        for (var inFlight : Map.of("normal", normal, "high", priority).entrySet()) {
            TimeGauge.builder(
                            "notifyhub.worker.deliveries.oldest",
                            inFlight.getValue(),
                            TimeUnit.SECONDS,
                            lane -> lane.oldest().toNanos() / 1e9)
                    .description("How long the longest-running delivery has been running (0: none runs)")
                    .tag("priority", inFlight.getKey())
                    .register(registry);
            Gauge.builder(
                            "notifyhub.worker.deliveries.stalled",
                            inFlight.getValue(),
                            lane -> lane.runningLongerThan(stallAfter))
                    .description("Deliveries running for longer than notifyhub.worker.stall-after: stuck, or "
                            + "waiting for a store that is gone")
                    .tag("priority", inFlight.getKey())
                    .register(registry);
            Gauge.builder("notifyhub.worker.deliveries.in.flight", inFlight.getValue(), InFlightDeliveries::running)
                    .description("Deliveries running now (claim, provider call, outcome)")
                    .tag("priority", inFlight.getKey())
                    .register(registry);
            Gauge.builder("notifyhub.worker.deliveries.in.flight.limit", inFlight.getValue(), InFlightDeliveries::limit)
                    .description("The most deliveries that run at once")
                    .tag("priority", inFlight.getKey())
                    .register(registry);
        }
    }

    @RabbitListener(id = "deliveries", queues = "#{@workQueues}", ackMode = "MANUAL")
    void onMessage(Message message, Channel channel) throws InterruptedException {
        start(normal, Priority.NORMAL, message, channel);
    }

    /**
     * The high-priority queues, in a container of their own and with slots of their own: a high job waits only
     * for other high jobs, never behind a normal backlog (queued, prefetched or in flight).
     */
    @RabbitListener(
            id = "priority-deliveries",
            queues = "#{@priorityQueues}",
            ackMode = "MANUAL",
            concurrency = "#{@priorityConcurrency}")
    void onPriorityMessage(Message message, Channel channel) throws InterruptedException {
        start(priority, Priority.HIGH, message, channel);
    }

    private void start(InFlightDeliveries inFlight, Priority lane, Message message, Channel channel)
            throws InterruptedException {
        // settled on the consumer's own channel: once that closes, a late ack fails instead of being sent on a
        // fresh channel that never saw the delivery (which the broker would close with "unknown delivery tag")
        Channel consumer = channel instanceof ChannelProxy proxy ? proxy.getTargetChannel() : channel;
        if (!inFlight.start(() -> handle(lane, message, consumer))) {
            log.debug(
                    "Shutting down: message {} left for the broker to deliver again",
                    message.getMessageProperties().getDeliveryTag());
        }
    }

    private void handle(Priority lane, Message message, Channel channel) {
        long tag = message.getMessageProperties().getDeliveryTag();
        Disposition disposition;
        try {
            Object count = message.getMessageProperties().getHeader("x-delivery-count");
            disposition = deliveries.handle(
                    message.getBody(),
                    count instanceof Number n ? n.longValue() : 0,
                    CHANNELS.get(message.getMessageProperties().getConsumerQueue()),
                    lane);
        } catch (StoreRetry.StoreUnavailableException e) {
            disposition = Disposition.REQUEUE;
        } catch (RuntimeException | Error e) {
            // what the container did for a throwing listener: the message goes back and counts a delivery
            log.error("Delivery of message {} failed; requeueing it", tag, e);
            disposition = Disposition.REQUEUE;
        }
        try {
            switch (disposition) {
                case ACK -> channel.basicAck(tag, false);
                case DEAD_LETTER -> channel.basicReject(tag, false);
                case REQUEUE -> channel.basicReject(tag, true);
            }
        } catch (IOException | RuntimeException e) {
            // the channel closed under the delivery (broker restart, connection loss): the broker has returned
            // the message already and delivers it again; the job's store record decides what happens then
            log.warn("Could not settle message {} ({}): {}", tag, disposition, e.toString());
        }
    }

    /** The watchdog's reading of both lanes, for the health indicator. */
    Watch watch() {
        return new Watch(
                normal.running() + priority.running(),
                normal.limit() + priority.limit(),
                normal.oldest().compareTo(priority.oldest()) >= 0 ? normal.oldest() : priority.oldest(),
                normal.runningLongerThan(stallAfter) + priority.runningLongerThan(stallAfter),
                stallAfter);
    }

    /** Deliveries running, the most that may, the longest-running one's age, and how many ran past the bound. */
    record Watch(int running, int limit, Duration oldest, int stalled, Duration stallAfter) {}

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        if (event.getApplicationContext().getParent() != null) {
            return; // a child context (such as a separate management server's) closing, not the application
        }
        try {
            normal.close();
            priority.close();
            long deadline = System.nanoTime() + shutdownTimeout.toNanos();
            boolean finished = normal.awaitEnd(deadline) & priority.awaitEnd(deadline);
            log.info(
                    finished
                            ? "Deliveries in flight finished"
                            : "Deliveries still running after {}; their " + "messages return to the queue",
                    shutdownTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
