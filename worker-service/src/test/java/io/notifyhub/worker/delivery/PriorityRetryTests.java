package io.notifyhub.worker.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.notifyhub.model.Channel;
import io.notifyhub.model.JobMessage;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.Priority;
import io.notifyhub.model.store.Attempt;
import io.notifyhub.model.store.AttemptOutcome;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.topology.Topology;
import io.notifyhub.worker.provider.DeliveryResult;
import io.notifyhub.worker.support.WorkerIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.beans.factory.annotation.Autowired;

class PriorityRetryTests extends WorkerIntegrationTest {

    @Autowired
    RabbitListenerEndpointRegistry listeners;

    @Test
    void shouldBringARetriedHighJobBackToTheHighQueue() {
        Job job =
                store.insert(Job.queued(Channel.SMS, Map.of("phone", "+14155550123", "message", "Hello"), Instant.now())
                        .withPriority(Priority.HIGH));
        provider.script(job.idHex(), new DeliveryResult.Retryable("503 from provider"));
        // only the high queues are consumed: a retry that came back to the normal queue would never be sent
        listeners.getListenerContainer("deliveries").stop();
        try {
            publishRaw(
                    Topology.routingKey(Channel.SMS, Priority.HIGH),
                    JobMessage.of(job.idHex()).toBytes());

            await().atMost(Duration.ofSeconds(10)).until(() -> statusOf(job) == JobStatus.SENT);
        } finally {
            listeners.getListenerContainer("deliveries").start();
        }
        assertThat(reload(job).history())
                .extracting(Attempt::outcome)
                .containsExactly(AttemptOutcome.RETRY, AttemptOutcome.SENT);
        assertThat(admin.getQueueInfo(Topology.workQueue(Channel.SMS)).getMessageCount())
                .isZero();
    }
}
