package io.notifyhub.model.messaging;

import io.notifyhub.model.JobMessage;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

    private final RabbitTemplate rabbit;
    private final Duration confirmTimeout;

    public JobPublisher(RabbitTemplate rabbit, Duration confirmTimeout) {
        this.rabbit = rabbit;
        this.confirmTimeout = confirmTimeout;
    }

    /**
     * @throws PublishException when the broker cannot be reached, nacks, returns the message, or does not
     *                          confirm within the timeout
     */
    public void publish(String exchange, String routingKey, JobMessage jobMessage) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        properties.setMessageId(jobMessage.jobId());
        CorrelationData correlation = new CorrelationData(jobMessage.jobId());
        try {
            rabbit.send(exchange, routingKey, new Message(jobMessage.toBytes(), properties), correlation);
            CorrelationData.Confirm confirm =
                    correlation.getFuture().get(confirmTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!confirm.ack()) {
                throw new PublishException("broker nacked job " + jobMessage.jobId() + ": " + confirm.reason());
            }
        } catch (AmqpException e) {
            throw new PublishException("cannot publish job " + jobMessage.jobId() + ": " + e.getMessage(), e);
        } catch (TimeoutException e) {
            throw new PublishException("no confirm for job " + jobMessage.jobId() + " within " + confirmTimeout, e);
        } catch (ExecutionException e) {
            throw new PublishException("confirm failed for job " + jobMessage.jobId(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while publishing job " + jobMessage.jobId(), e);
        }
        ReturnedMessage returned = correlation.getReturned();
        if (returned != null) {
            throw new PublishException("job " + jobMessage.jobId() + " was unroutable: " + returned.getReplyText()
                    + " (exchange " + exchange + ", key " + routingKey + ")");
        }
    }

    /** The message is not known to be in a queue; the job must be published again later. */
    public static final class PublishException extends RuntimeException {
        public PublishException(String message) {
            super(message);
        }

        public PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
