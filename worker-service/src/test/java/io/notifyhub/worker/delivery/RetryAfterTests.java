package io.notifyhub.worker.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.notifyhub.model.Channel;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.store.Attempt;
import io.notifyhub.model.store.AttemptOutcome;
import io.notifyhub.model.store.Job;
import io.notifyhub.worker.provider.DeliveryResult;
import io.notifyhub.worker.support.WorkerIntegrationTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A provider that says how long to wait (a 429's Retry-After) gets at least that long before the retry. */
class RetryAfterTests extends WorkerIntegrationTest {

    @Test
    void shouldWaitInADelayTierAtLeastAsLongAsRetryAfter() {
        Job job = storedJob(Channel.SMS);
        // the first tier is 500 ms; the provider asks for 800 ms, so the retry waits in the 1 s tier
        provider.script(job.idHex(), new DeliveryResult.Retryable("429 too many requests", Duration.ofMillis(800)));

        publish(job);

        await().atMost(Duration.ofSeconds(15)).until(() -> statusOf(job) == JobStatus.SENT);
        List<Attempt> history = reload(job).history();
        assertThat(history).extracting(Attempt::outcome).containsExactly(AttemptOutcome.RETRY, AttemptOutcome.SENT);
        assertThat(Duration.between(history.get(0).endedAt(), history.get(1).startedAt()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }
}
