package io.notifyhub.worker.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.store.Attempt;
import io.notifyhub.model.store.AttemptOutcome;
import io.notifyhub.model.store.Job;
import io.notifyhub.worker.provider.DeliveryResult;
import io.notifyhub.worker.support.ScriptedProvider;
import io.notifyhub.worker.support.WorkerIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class DeliveryTests extends WorkerIntegrationTest {

    @Autowired
    MeterRegistry meters;

    private static final Duration PATIENCE = Duration.ofSeconds(15);

    @Test
    void shouldSendAQueuedJobAndRecordTheAttempt() {
        Job job = storedJob(Channel.EMAIL);

        publish(job);

        await().atMost(PATIENCE).until(() -> statusOf(job) == JobStatus.SENT);
        Job sent = reload(job);
        assertThat(sent.attempts()).isEqualTo(1);
        assertThat(sent.provider()).isEqualTo(ScriptedProvider.NAME);
        assertThat(sent.providerMessageId()).isEqualTo("scripted-" + job.idHex() + "-1");
        assertThat(sent.leaseUntil()).as("claim released").isNull();
        assertThat(sent.history()).singleElement().satisfies(attempt -> {
            assertThat(attempt.number()).isEqualTo(1);
            assertThat(attempt.outcome()).isEqualTo(AttemptOutcome.SENT);
            assertThat(attempt.worker()).isEqualTo("test-worker");
            assertThat(attempt.startedAt()).isBeforeOrEqualTo(attempt.endedAt());
        });
        assertThat(provider.calls(job.idHex())).hasSize(1);
    }

    @Test
    void shouldRetryThroughTheDelayQueuesAndThenSend() {
        Job job = storedJob(Channel.SMS);
        provider.script(
                job.idHex(),
                new DeliveryResult.Retryable("503 from provider"),
                new DeliveryResult.Retryable("timeout"));

        publish(job);

        await().atMost(PATIENCE).until(() -> statusOf(job) == JobStatus.SENT);
        Job sent = reload(job);
        assertThat(sent.attempts()).isEqualTo(3);
        assertThat(sent.error()).isNull();
        List<Attempt> history = sent.history();
        assertThat(history)
                .extracting(Attempt::outcome)
                .containsExactly(AttemptOutcome.RETRY, AttemptOutcome.RETRY, AttemptOutcome.SENT);
        assertThat(history).extracting(Attempt::error).containsExactly("503 from provider", "timeout", null);
        // the retries waited in the 500 ms and then the 1 s delay tier
        assertThat(Duration.between(history.get(0).endedAt(), history.get(1).startedAt()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(450));
        assertThat(Duration.between(history.get(1).endedAt(), history.get(2).startedAt()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(provider.calls(job.idHex())).hasSize(3);
    }

    @Test
    void shouldFailAfterMaxAttemptsAndDeadLetterTheMessage() {
        provider.alwaysAnswer(new DeliveryResult.Retryable("connection refused"));
        Job job = storedJob(Channel.PUSH);

        publish(job);

        await().atMost(PATIENCE).until(() -> statusOf(job) == JobStatus.FAILED);
        Job failed = reload(job);
        assertThat(failed.attempts()).isEqualTo(3);
        assertThat(failed.error()).contains("gave up after 3 attempts").contains("connection refused");
        assertThat(failed.history())
                .extracting(Attempt::outcome)
                .containsExactly(AttemptOutcome.RETRY, AttemptOutcome.RETRY, AttemptOutcome.FAILED);
        assertThat(drainDeadLetters(1, PATIENCE)).singleElement().asString().contains(job.idHex());
        assertThat(provider.calls(job.idHex())).hasSize(3);
    }

    @Test
    void shouldFailAtOnceOnAPermanentError() {
        Job job = storedJob(Channel.EMAIL);
        provider.script(job.idHex(), new DeliveryResult.Permanent("mailbox does not exist"));

        publish(job);

        await().atMost(PATIENCE).until(() -> statusOf(job) == JobStatus.FAILED);
        Job failed = reload(job);
        assertThat(failed.attempts()).isEqualTo(1);
        assertThat(failed.error()).isEqualTo("mailbox does not exist");
        assertThat(drainDeadLetters(1, PATIENCE)).singleElement().asString().contains(job.idHex());
    }

    @Test
    void shouldCallTheProviderOnceWhenTheSameJobIsDeliveredTwice() {
        provider.latency(Duration.ofMillis(300));
        Job job = storedJob(Channel.EMAIL);

        publish(job);
        publish(job); // a duplicate while the first is in flight

        await().atMost(PATIENCE).until(() -> statusOf(job) == JobStatus.SENT);
        double droppedBefore = duplicatesDropped();
        publish(job); // and one after it was sent
        await().during(Duration.ofSeconds(1))
                .atMost(PATIENCE)
                .until(() -> provider.calls(job.idHex()).size() == 1);
        assertThat(reload(job).attempts()).isEqualTo(1);
        assertThat(duplicatesDropped()).as("counted as a duplicate").isGreaterThanOrEqualTo(droppedBefore + 1);
        assertThat(drainDeadLetters(1, Duration.ofMillis(500)))
                .as("duplicates are dropped, not dead-lettered")
                .isEmpty();
    }

    private double duplicatesDropped() {
        var counter = meters.find("notifyhub.duplicate.messages")
                .tag("status", "sent")
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void shouldSendTheJobOfAWorkerThatDiedMidSendOnceItsLeaseExpires() {
        Job job = storedJob(Channel.SMS);
        // a worker claimed it and died before recording anything; its message came back to the queue
        store.claim(job.id(), "dead-worker", Instant.now(), Duration.ofSeconds(2))
                .orElseThrow();

        publish(job);

        await().atMost(PATIENCE).until(() -> statusOf(job) == JobStatus.SENT);
        Job sent = reload(job);
        assertThat(sent.attempts()).as("the dead worker's attempt counts").isEqualTo(2);
        assertThat(sent.history()).singleElement().satisfies(attempt -> {
            assertThat(attempt.worker()).isEqualTo("test-worker");
            assertThat(attempt.startedAt()).isAfter(job.createdAt().plusSeconds(2));
        });
        assertThat(provider.calls(job.idHex())).hasSize(1);
    }

    @Test
    void shouldNeverSendACancelledJob() {
        Job job = storedJob(Channel.PUSH);
        store.cancel(job.id(), Instant.now()).orElseThrow();
        Job marker = storedJob(Channel.PUSH);

        publish(job);
        publish(marker);

        await().atMost(PATIENCE).until(() -> statusOf(marker) == JobStatus.SENT);
        assertThat(statusOf(job)).isEqualTo(JobStatus.CANCELLED);
        assertThat(provider.calls(job.idHex())).isEmpty();
        assertThat(drainDeadLetters(1, Duration.ofMillis(500)))
                .as("dropped, not dead-lettered")
                .isEmpty();
    }

    @Test
    void shouldDeadLetterPoisonMessagesAndKeepDelivering() {
        String unknownJob = new ObjectId().toHexString();
        publishRaw("email", "this is not json".getBytes(StandardCharsets.UTF_8));
        publishRaw("email", ("{\"v\":99,\"id\":\"" + unknownJob + "\"}").getBytes(StandardCharsets.UTF_8));
        publishRaw("email", ("{\"v\":1,\"id\":\"" + unknownJob + "\"}").getBytes(StandardCharsets.UTF_8));
        Job good = storedJob(Channel.EMAIL);

        publish(good);

        await().atMost(PATIENCE).until(() -> statusOf(good) == JobStatus.SENT);
        assertThat(drainDeadLetters(3, PATIENCE))
                .containsExactlyInAnyOrder(
                        "this is not json",
                        "{\"v\":99,\"id\":\"" + unknownJob + "\"}",
                        "{\"v\":1,\"id\":\"" + unknownJob + "\"}");
    }
}
