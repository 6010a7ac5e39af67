package io.notifyhub.model.topology;

import com.rabbitmq.client.Channel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.RabbitUtils;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * Declares the work exchange, the work queues and their bindings whenever {@code RabbitAdmin} declares the rest
 * (on every new connection, and when a listener container finds a queue missing), but each queue on a channel of
 * its own. A queue's arguments cannot change once it exists:
 * declaring it with others fails with {@code PRECONDITION_FAILED} and closes the channel, and in
 * {@code RabbitAdmin} that stops every declaration after it (and a service's start). A broker whose work queues
 * were declared by an earlier version (before the length limit) or with another {@code max-queue-length} keeps
 * them as they are: the queue is used, bound, and a warning says how to set the limit with a policy instead.
 */
public final class WorkQueueDeclarer {

    private static final Logger log = LoggerFactory.getLogger(WorkQueueDeclarer.class);

    private final Topology topology;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    public WorkQueueDeclarer(Topology topology) {
        this.topology = topology;
    }

    /** A {@code RabbitAdmin} that declares the work queues too, after the rest. */
    public RabbitAdmin admin(ConnectionFactory connections) {
        return new RabbitAdmin(connections) {
            @Override
            public void initialize() {
                super.initialize();
                declare(connections.createConnection());
            }
        };
    }

    void declare(Connection connection) {
        try {
            run(connection, channel -> channel.exchangeDeclare(Topology.WORK_EXCHANGE, "direct", true, false, null));
            for (Topology.WorkQueue work : topology.workQueues()) {
                declare(connection, work.queue());
                Binding binding = work.binding();
                run(
                        connection,
                        channel -> channel.queueBind(
                                binding.getDestination(), binding.getExchange(), binding.getRoutingKey()));
            }
        } catch (Exception e) {
            // the broker went away meanwhile: the next connection declares them
            log.warn("Could not declare the work queues now: {}", e.toString());
        }
    }

    private void declare(Connection connection, Queue queue) throws Exception {
        try {
            run(
                    connection,
                    channel -> channel.queueDeclare(
                            queue.getName(),
                            queue.isDurable(),
                            queue.isExclusive(),
                            queue.isAutoDelete(),
                            queue.getArguments()));
        } catch (Exception e) {
            if (!RabbitUtils.isMismatchedQueueArgs(e)) {
                throw e;
            }
            if (warned.add(queue.getName())) {
                log.warn(
                        "Queue {} exists with other arguments than {} (declared by an earlier version, or with other "
                                + "settings), and a queue's arguments cannot change: it is used as it is. Set the length limit "
                                + "with a policy instead: rabbitmqctl set_policy --apply-to queues notifyhub-work-limit "
                                + "'^notifyhub\\.work\\.' '{{\"max-length\":{},\"overflow\":\"reject-publish\"}}' (or delete "
                                + "the queue when it is empty, and restart)",
                        queue.getName(),
                        queue.getArguments(),
                        topology.maxQueueLength());
            }
            run(connection, channel -> channel.queueDeclarePassive(queue.getName())); // it is there
        }
    }

    private interface ChannelAction {
        void run(Channel channel) throws Exception;
    }

    /** On a channel of its own: a refused declaration closes only that one. */
    private static void run(Connection connection, ChannelAction action) throws Exception {
        Channel channel = connection.createChannel(false);
        try {
            action.run(channel);
        } finally {
            RabbitUtils.closeChannel(channel);
        }
    }
}
