package io.notifyhub.worker.delivery;

import com.rabbitmq.client.Channel;
import io.notifyhub.model.topology.Topology;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;

/** Thin: a message in, the delivery service decides, the message is acked, rejected or requeued. */
@Component
class DeliveryListener {

    /** Work queue name to its channel: the chain is asked before the job is read. */
    private static final Map<String, io.notifyhub.model.Channel> CHANNELS = Arrays.stream(
            io.notifyhub.model.Channel.values())
            .collect(Collectors.toMap(Topology::workQueue, c -> c));

    private final DeliveryService deliveries;

    DeliveryListener(DeliveryService deliveries) {
        this.deliveries = deliveries;
    }

    @RabbitListener(id = "deliveries", queues = "#{@workQueues}", ackMode = "MANUAL")
    void onMessage(Message message, Channel channel) throws IOException {
        handle(message, channel);
    }

    /**
     * The high-priority queues, in a container of their own: its consumers never hold normal messages, so a
     * high job waits only for other high jobs, never behind a normal backlog (prefetched or queued).
     */
    @RabbitListener(id = "priority-deliveries", queues = "#{@priorityQueues}", ackMode = "MANUAL",
            concurrency = "#{@priorityConcurrency}")
    void onPriorityMessage(Message message, Channel channel) throws IOException {
        handle(message, channel);
    }

    private void handle(Message message, Channel channel) throws IOException {
        long tag = message.getMessageProperties().getDeliveryTag();
        Disposition disposition;
        try {
            Object count = message.getMessageProperties().getHeader("x-delivery-count");
            disposition = deliveries.handle(message.getBody(), count instanceof Number n ? n.longValue() : 0,
                    CHANNELS.get(message.getMessageProperties().getConsumerQueue()));
        } catch (StoreRetry.StoreUnavailableException e) {
            disposition = Disposition.REQUEUE;
        }
        switch (disposition) {
            case ACK -> channel.basicAck(tag, false);
            case DEAD_LETTER -> channel.basicReject(tag, false);
            case REQUEUE -> channel.basicNack(tag, false, true);
        }
    }
}
