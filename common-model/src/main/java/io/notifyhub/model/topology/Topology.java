package io.notifyhub.model.topology;

import io.notifyhub.model.Channel;
import io.notifyhub.model.Priority;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;

/**
 * Every exchange and queue of the system, declared in this one place.
 *
 * <pre>
 * api ──► notifyhub.work (direct, key = channel[.high]) ──► notifyhub.work.{email,sms,push}[.high] (quorum) ──► workers
 *                  ▲                                                     │ reject (failed, poison, delivery limit)
 *                  │ dead-lettered after the tier's TTL                  ▼
 * notifyhub.delay.{ttl} (fanout) ──► notifyhub.delay.{ttl}            notifyhub.dead-letter (fanout) ──► notifyhub.dead-letter
 * </pre>
 *
 * A {@code high} job goes to the {@code .high} queue of its channel (key {@code <channel>.high}). A retry is
 * published to the delay exchange of its tier with the job's routing key; when the tier's queue TTL expires,
 * RabbitMQ dead-letters it back to the work exchange keeping that routing key, so to the queue it came from.
 */
public final class Topology {

    public static final String WORK_EXCHANGE = "notifyhub.work";
    public static final String DEAD_LETTER_EXCHANGE = "notifyhub.dead-letter";
    public static final String DEAD_LETTER_QUEUE = "notifyhub.dead-letter";
    private static final String WORK_QUEUE_PREFIX = "notifyhub.work.";
    private static final String DELAY_PREFIX = "notifyhub.delay.";
    private static final String HIGH_SUFFIX = ".high";

    /** The queue arguments of a work queue's length limit. */
    public static final String MAX_LENGTH = "x-max-length";

    public static final String OVERFLOW = "x-overflow";

    private final TopologyProperties properties;

    public Topology(TopologyProperties properties) {
        this.properties = properties;
    }

    public static String workQueue(Channel channel) {
        return WORK_QUEUE_PREFIX + channel.value();
    }

    public static String routingKey(Channel channel) {
        return channel.value();
    }

    /**
     * The queue of a channel's jobs of one priority. RabbitMQ 3.10 quorum queues have no message priorities,
     * so {@code high} jobs have a queue of their own ({@code notifyhub.work.<channel>.high}), consumed apart
     * from the normal one: a backlog of normal jobs never stands in front of them.
     */
    public static String workQueue(Channel channel, Priority priority) {
        return priority == Priority.HIGH ? workQueue(channel) + HIGH_SUFFIX : workQueue(channel);
    }

    /**
     * The routing key of a channel's jobs of one priority. Delay tiers dead-letter a retry with the key it was
     * published with, so a retried high job comes back to the high queue.
     */
    public static String routingKey(Channel channel, Priority priority) {
        return priority == Priority.HIGH ? routingKey(channel) + HIGH_SUFFIX : routingKey(channel);
    }

    /** The name of the delay exchange and of its queue for a tier. */
    public static String delayName(Duration tier) {
        return DELAY_PREFIX + tier.toMillis() + "ms";
    }

    /** Most messages one work queue holds; 0 for no limit. */
    public long maxQueueLength() {
        return properties.maxQueueLength();
    }

    public List<Duration> delayTiers() {
        return properties.delayTiers();
    }

    /** The tier a retry waits in before its next attempt; attempts past the last tier reuse it. */
    public Duration delayBefore(int nextAttempt) {
        List<Duration> tiers = properties.delayTiers();
        int index = Math.min(Math.max(nextAttempt - 2, 0), tiers.size() - 1);
        return tiers.get(index);
    }

    /**
     * Everything but the work queues and their bindings, for {@code RabbitAdmin} to declare; the work queues are
     * declared by {@link WorkQueueDeclarer}, which copes with a queue that exists with other arguments.
     */
    public Declarables declarables() {
        List<Declarable> all = new ArrayList<>();
        FanoutExchange deadLetter = ExchangeBuilder.fanoutExchange(DEAD_LETTER_EXCHANGE)
                .durable(true)
                .build();
        Queue deadLetterQueue = QueueBuilder.durable(DEAD_LETTER_QUEUE).quorum().build();
        all.add(workExchange());
        all.add(deadLetter);
        all.add(deadLetterQueue);
        all.add(BindingBuilder.bind(deadLetterQueue).to(deadLetter));
        for (Duration tier : properties.delayTiers()) {
            FanoutExchange exchange = ExchangeBuilder.fanoutExchange(delayName(tier))
                    .durable(true)
                    .build();
            // no dead-letter routing key: the message returns with the channel it was published with
            Queue queue = QueueBuilder.durable(delayName(tier))
                    .ttl(Math.toIntExact(tier.toMillis()))
                    .deadLetterExchange(WORK_EXCHANGE)
                    .build();
            all.add(exchange);
            all.add(queue);
            all.add(BindingBuilder.bind(queue).to(exchange));
        }
        return new Declarables(all);
    }

    public DirectExchange workExchange() {
        return ExchangeBuilder.directExchange(WORK_EXCHANGE).durable(true).build();
    }

    /** A work queue and its binding to the work exchange. */
    public record WorkQueue(Queue queue, Binding binding) {}

    /** The work queues: one per channel and priority, quorum, with the delivery limit and the length limit. */
    public List<WorkQueue> workQueues() {
        List<WorkQueue> queues = new ArrayList<>();
        DirectExchange work = workExchange();
        for (Channel channel : Channel.values()) {
            for (Priority priority : Priority.values()) {
                QueueBuilder builder = QueueBuilder.durable(workQueue(channel, priority))
                        .quorum()
                        .deliveryLimit(properties.deliveryLimit())
                        .deadLetterExchange(DEAD_LETTER_EXCHANGE);
                if (properties.maxQueueLength() > 0) {
                    // the broker nacks a publish past the limit (never drops a message it holds): the publisher
                    // sees the refusal, and the job stays stored and unpublished for the reconciler
                    builder.maxLength(properties.maxQueueLength()).overflow(QueueBuilder.Overflow.rejectPublish);
                }
                Queue queue = builder.build();
                queues.add(
                        new WorkQueue(queue, BindingBuilder.bind(queue).to(work).with(routingKey(channel, priority))));
            }
        }
        return queues;
    }
}
