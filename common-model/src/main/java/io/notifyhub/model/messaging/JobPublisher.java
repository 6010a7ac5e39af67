package io.notifyhub.model.messaging;

import io.notifyhub.model.JobMessage;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.topology.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.ReturnedMessage;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Publishes job messages as persistent, mandatory messages and waits for the broker's confirm. A message
 * counts as published only when it was confirmed and not returned as unroutable.
 */
public class JobPublisher {

    private static final Logger log = LoggerFactory.getLogger(JobPublisher.class);

    private final RabbitTemplate rabbit;
    private final Duration confirmTimeout;

    public JobPublisher(RabbitTemplate rabbit, Duration confirmTimeout) {
        this.rabbit = rabbit;
        this.confirmTimeout = confirmTimeout;
    }

    /**
     * Publishes one message and waits for its confirm.
     *
     * @throws PublishException when the broker cannot be reached, nacks, returns the message, or does not
     *                          confirm within the timeout
     */
    public void publish(String exchange, String routingKey, JobMessage jobMessage) {
        awaitConfirm(send(new Outgoing(exchange, routingKey, jobMessage)));
    }

    /**
     * Publishes many messages, then waits for all their confirms; much faster than one by one. Stops sending
     * at the first message the broker cannot take.
     *
     * @return the job ids whose messages were confirmed, in order
     */
    public List<String> publishAll(List<Outgoing> messages) {
        List<Sent> sent = new ArrayList<>(messages.size());
        try {
            for (Outgoing message : messages) {
                sent.add(send(message));
            }
        } catch (PublishException e) {
            log.warn("Stopped publishing after {} of {} messages: {}", sent.size(), messages.size(), e.getMessage());
        }
        List<String> confirmed = new ArrayList<>(sent.size());
        int refused = 0;
        for (Sent message : sent) {
            try {
                awaitConfirm(message);
                confirmed.add(message.outgoing().message().jobId());
            } catch (Refused e) {
                refused++; // one line for all of them below: a full queue refuses every message of a round
            } catch (PublishException e) {
                log.warn("{}", e.getMessage());
            }
        }
        if (refused > 0) {
            log.warn(
                    "The broker refused {} of {} messages (a work queue at its length limit?); their jobs stay "
                            + "unpublished and are published again later",
                    refused,
                    messages.size());
        }
        return confirmed;
    }

    /**
     * Publishes the work messages of these jobs (each to its channel's and priority's queue), then waits for
     * all their confirms.
     *
     * @return the ids of the jobs whose messages were confirmed, to be marked published
     */
    public List<ObjectId> publishJobs(List<Job> jobs) {
        if (jobs.isEmpty()) {
            return List.of();
        }
        return publishAll(jobs.stream().map(Outgoing::toWork).toList()).stream()
                .map(ObjectId::new)
                .toList();
    }

    /**
     * Sends one message without waiting for its confirm; {@link #awaitConfirm(Sent)} waits for it. Sending many
     * and then waiting for all is how a batch takes one round trip instead of one per message.
     *
     * @throws PublishException when the broker cannot be reached
     */
    public Sent send(Outgoing outgoing) {
        JobMessage jobMessage = outgoing.message();
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        properties.setMessageId(jobMessage.jobId());
        CorrelationData correlation = new CorrelationData(jobMessage.jobId());
        try {
            rabbit.send(
                    outgoing.exchange(),
                    outgoing.routingKey(),
                    new Message(jobMessage.toBytes(), properties),
                    correlation);
        } catch (AmqpException | com.rabbitmq.client.ShutdownSignalException e) {
            // the client also throws its own unchecked exceptions past Spring's translation, such as
            // AlreadyClosedException for a channel whose node just died: all mean "not published"
            throw new PublishException("cannot publish job " + jobMessage.jobId() + ": " + e.getMessage(), e);
        }
        return new Sent(outgoing, correlation);
    }

    /**
     * Waits for the confirm of a message sent with {@link #send(Outgoing)}.
     *
     * @throws Refused          when the broker nacks it (a work queue at its length limit refuses a publish)
     * @throws PublishException when it is returned as unroutable, or not confirmed in time
     */
    public void awaitConfirm(Sent sent) {
        String jobId = sent.outgoing().message().jobId();
        try {
            CorrelationData.Confirm confirm =
                    sent.correlation().getFuture().get(confirmTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!confirm.ack()) {
                throw new Refused("broker nacked job " + jobId + ": " + confirm.reason());
            }
        } catch (TimeoutException e) {
            throw new PublishException("no confirm for job " + jobId + " within " + confirmTimeout, e);
        } catch (ExecutionException e) {
            throw new PublishException("confirm failed for job " + jobId, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while publishing job " + jobId, e);
        }
        ReturnedMessage returned = sent.correlation().getReturned();
        if (returned != null) {
            throw new PublishException("job " + jobId + " was unroutable: " + returned.getReplyText() + " (exchange "
                    + sent.outgoing().exchange() + ", key " + sent.outgoing().routingKey() + ")");
        }
    }

    /** A message to publish. */
    public record Outgoing(String exchange, String routingKey, JobMessage message) {

        /** A job's message to the work queue of its channel and priority. */
        public static Outgoing toWork(Job job) {
            return new Outgoing(
                    Topology.WORK_EXCHANGE,
                    Topology.routingKey(job.type(), job.priority()),
                    JobMessage.of(job.idHex()));
        }
    }

    /** A message sent, its confirm still to come. */
    public record Sent(Outgoing outgoing, CorrelationData correlation) {}

    /** The message is not known to be in a queue; the job must be published again later. */
    public static class PublishException extends RuntimeException {
        public PublishException(String message) {
            super(message);
        }

        public PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The broker answered, and refused the message (a nack): it is working, but will not take this message now,
     * typically because the work queue is at its length limit ({@code x-overflow: reject-publish}). Not a broker
     * failure: a circuit breaker should not count it.
     */
    public static final class Refused extends PublishException {
        public Refused(String message) {
            super(message);
        }
    }
}
