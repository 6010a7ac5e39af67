package io.notifyhub.model.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** A health check run in the background: asking never waits for it, and a check that hangs goes stale. No servers. */
class BackgroundHealthTests {

    @Test
    void shouldAnswerTheLatestResultAtOnceWhileACheckHangs() throws Exception {
        AtomicReference<Status> status = new AtomicReference<>(Status.UP);
        CountDownLatch hang = new CountDownLatch(1);
        AtomicReference<Boolean> hanging = new AtomicReference<>(false);
        try (BackgroundHealth health = new BackgroundHealth(
                "test-health",
                () -> {
                    if (hanging.get()) {
                        try {
                            hang.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return Health.status(status.get())
                            .withDetail("version", "1")
                            .build();
                },
                Duration.ofMillis(50),
                Duration.ofMillis(600))) {
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> health.health().getStatus().equals(Status.UP));
            assertThat(health.health().getDetails())
                    .containsEntry("version", "1")
                    .containsKey("checkTookMillis");

            status.set(Status.DOWN);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> health.health().getStatus().equals(Status.DOWN));

            status.set(Status.UP);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> health.health().getStatus().equals(Status.UP));
            hanging.set(true); // the next check never ends, like a ping to a server that hangs
            long asked = System.nanoTime();
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            // a health that waited for the check would never answer; the bound leaves room for a busy machine
            assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofMillis(500));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> health.health().getStatus().equals(Status.DOWN));
            assertThat(health.health().getDetails().get("error").toString()).startsWith("no check has ended");
            hang.countDown();
        }
    }

    @Test
    void shouldBeDownUntilTheFirstCheckHasEnded() throws Exception {
        CountDownLatch first = new CountDownLatch(1);
        try (BackgroundHealth health = new BackgroundHealth(
                "test-health",
                () -> {
                    try {
                        first.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return Health.up().build();
                },
                Duration.ofMillis(50),
                Duration.ofSeconds(10))) {
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
            first.countDown();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> health.health().getStatus().equals(Status.UP));
        }
    }
}
