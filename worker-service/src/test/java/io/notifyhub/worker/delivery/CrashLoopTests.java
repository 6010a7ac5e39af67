package io.notifyhub.worker.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.notifyhub.model.Channel;
import io.notifyhub.model.JobMessage;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.topology.Topology;
import io.notifyhub.worker.support.WorkerIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

/** Jobs that crash whoever handles them end failed with a reason, and nothing loops forever. */
class CrashLoopTests extends WorkerIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @Test
    void shouldFailAJobWhoseEarlierClaimsAllEndedWithoutAnOutcome() {
        Job job = storedJob(Channel.EMAIL);
        Instant longAgo = Instant.now().minusSeconds(10);
        for (int i = 1; i <= 3; i++) { // three workers claimed it, one after the other's lease ran out, and died
            store.claim(job.id(), "dead-worker-" + i, longAgo.plusSeconds(i), Duration.ofMillis(1))
                    .orElseThrow();
        }

        publish(job);

        await().atMost(PATIENCE).until(() -> statusOf(job) == JobStatus.FAILED);
        assertThat(reload(job).error()).contains("gave up after 3 attempts").contains("without an outcome");
        assertThat(provider.calls(job.idHex())).as("not sent a fourth time").isEmpty();
        assertThat(drainDeadLetters(1, PATIENCE)).singleElement().asString().contains(job.idHex());
    }

    @Test
    void shouldKeepConsumingWhenAProviderThrowsAnError() {
        provider.crashWith(new StackOverflowError("simulated crash"));
        Job crashing = storedJob(Channel.EMAIL);
        publish(crashing);
        await().atMost(PATIENCE).until(() -> provider.calls(crashing.idHex()).size() >= 1);
        provider.crashWith(null);
        Job next = storedJob(Channel.SMS);

        publish(next);

        await().atMost(PATIENCE).until(() -> statusOf(next) == JobStatus.SENT);
        await().atMost(PATIENCE).until(() -> statusOf(crashing) == JobStatus.SENT);
        assertThat(reload(crashing).history().getFirst().error()).contains("StackOverflowError");
    }

    @Test
    void shouldFailTheJobOfAMessageRedeliveredUpToTheDeliveryLimit() {
        Job job = storedJob(Channel.PUSH);
        MessageProperties redelivered = new MessageProperties();
        redelivered.setHeader("x-delivery-count", 19); // as the quorum queue counts returns (limit 20)

        rabbit.send(
                Topology.WORK_EXCHANGE,
                "push",
                new Message(JobMessage.of(job.idHex()).toBytes(), redelivered));

        await().atMost(PATIENCE).until(() -> statusOf(job) == JobStatus.FAILED);
        assertThat(reload(job).error()).contains("after 19 deliveries");
        assertThat(provider.calls(job.idHex())).isEmpty();
        assertThat(drainDeadLetters(1, PATIENCE)).singleElement().asString().contains(job.idHex());
    }
}
