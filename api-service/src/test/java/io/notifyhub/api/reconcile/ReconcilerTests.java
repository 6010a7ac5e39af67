package io.notifyhub.api.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.notifyhub.api.support.ApiIntegrationTest;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.store.AttemptOutcome;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

@TestPropertySource(
        properties = {
            "notifyhub.reconciler.interval=200ms",
            "notifyhub.reconciler.grace=1s",
            "notifyhub.reconciler.release-grace=0s"
        })
class ReconcilerTests extends ApiIntegrationTest {

    @Autowired
    JobStore store;

    @Test
    void shouldPublishAStoredJobWhoseMessageWasNeverConfirmed() {
        // what the API leaves behind when the broker was down, or when it died between store and publish
        Job job = store.insert(Job.queued(
                Channel.SMS,
                Map.of("phone", "+14155550123", "message", "hi"),
                Instant.now().minusSeconds(10)));

        await().atMost(Duration.ofSeconds(10)).until(() -> queued(Channel.SMS) == 1);
        // the confirm comes first, then the mark: the message may be in the queue a moment before publishedAt is
        await().atMost(Duration.ofSeconds(5))
                .until(() -> store.find(job.idHex()).orElseThrow().publishedAt() != null);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> queued(Channel.SMS) == 1);
    }

    @Test
    void shouldNotPublishAJobStillWithinItsGrace() {
        store.insert(Job.queued(
                Channel.SMS,
                Map.of("phone", "+14155550123", "message", "hi"),
                Instant.now().plusSeconds(60)));

        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> queued(Channel.SMS) == 0);
    }

    @Test
    void shouldRequeueAndRepublishAJobWhoseWorkerDiedMidSend() {
        Job job =
                store.insert(Job.queued(Channel.PUSH, Map.of("token", "t", "title", "x", "body", "y"), Instant.now()));
        store.markPublished(job.id(), Instant.now());
        store.claim(job.id(), "dead-worker", Instant.now(), Duration.ofMillis(1))
                .orElseThrow();

        await().atMost(Duration.ofSeconds(10)).until(() -> queued(Channel.PUSH) == 1);
        // the confirm comes first, then the mark (as in the test above)
        await().atMost(Duration.ofSeconds(5))
                .until(() -> store.find(job.idHex()).orElseThrow().publishedAt() != null);
        Job released = store.find(job.idHex()).orElseThrow();
        assertThat(released.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(released.attempts()).isEqualTo(1);
        assertThat(released.leaseUntil()).isNull();
        assertThat(released.publishedAt()).isNotNull();
        assertThat(released.history()).singleElement().satisfies(attempt -> {
            assertThat(attempt.outcome()).isEqualTo(AttemptOutcome.LOST);
            assertThat(attempt.worker()).isEqualTo("dead-worker");
        });
    }
}
