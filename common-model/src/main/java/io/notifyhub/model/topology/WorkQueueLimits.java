package io.notifyhub.model.topology;

import com.rabbitmq.client.Channel;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.DeclarableCustomizer;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.RabbitUtils;

/**
 * Keeps a broker that has the work queues from before they had a length limit working. A queue's arguments
 * cannot change once it exists: declaring it again with {@code x-max-length} fails with {@code PRECONDITION_FAILED}
 * and closes the channel, which would stop every declaration after it. So before {@code RabbitAdmin} declares
 * a work queue (on every new connection), it is declared alone, with the limit, on a channel of its own; if the
 * broker refuses that as a mismatch, the queue is declared as it already is (without the limit), and a warning
 * says how to add the limit as a policy.
 */
public final class WorkQueueLimits implements DeclarableCustomizer {

    private static final Logger log = LoggerFactory.getLogger(WorkQueueLimits.class);

    private final ConnectionFactory connections;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    public WorkQueueLimits(ConnectionFactory connections) {
        this.connections = connections;
    }

    @Override
    public Declarable apply(Declarable declarable) {
        if (!(declarable instanceof Queue queue) || !queue.getArguments().containsKey(Topology.MAX_LENGTH)
                || takesLimit(queue)) {
            return declarable;
        }
        Map<String, Object> arguments = new HashMap<>(queue.getArguments());
        Object limit = arguments.remove(Topology.MAX_LENGTH);
        arguments.remove(Topology.OVERFLOW);
        if (warned.add(queue.getName())) {
            log.warn("Queue {} was declared before work queues had a length limit, and a queue's arguments cannot "
                    + "change: it is used without one. Add the limit as a policy: rabbitmqctl set_policy "
                    + "--apply-to queues notifyhub-work-limit '^notifyhub\\.work\\.' "
                    + "'{{\"max-length\":{},\"overflow\":\"reject-publish\"}}' (or delete the queue when it is empty, "
                    + "and restart)", queue.getName(), limit);
        }
        return new Queue(queue.getName(), queue.isDurable(), queue.isExclusive(), queue.isAutoDelete(), arguments);
    }

    /** Declares the queue with its limit; false only when it exists with other arguments. */
    private boolean takesLimit(Queue queue) {
        try (Connection connection = connections.createConnection()) {
            Channel channel = connection.createChannel(false);
            try {
                channel.queueDeclare(queue.getName(), queue.isDurable(), queue.isExclusive(), queue.isAutoDelete(),
                        queue.getArguments());
                return true;
            } finally {
                RabbitUtils.closeChannel(channel);
            }
        } catch (Exception e) {
            if (RabbitUtils.isMismatchedQueueArgs(e)) {
                return false;
            }
            // anything else (the broker went away) is for RabbitAdmin's own declaration to meet and report
            log.debug("Could not check the arguments of queue {}: {}", queue.getName(), e.toString());
            return true;
        }
    }
}
