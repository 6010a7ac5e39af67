package io.notifyhub.api.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.notifyhub.api.support.ApiIntegrationTest;
import io.notifyhub.model.Channel;
import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.provider.mongo.MongoLockProvider;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * A job its replica's publisher is still working on is late, not lost: the reconciler leaves it until the
 * publisher's backlog has passed too, so an overload is not doubled by publishing the same jobs again.
 */
@TestPropertySource(properties = "notifyhub.reconciler.enabled=false") // this test runs its rounds itself
class ReconcilerBacklogTests extends ApiIntegrationTest {

    @Autowired
    JobStore store;

    @Autowired
    JobPublisher publisher;

    @Autowired
    Clock clock;

    @Test
    void shouldLeaveAnUnpublishedJobWhilePublishingIsBehindByMoreThanItsAge() {
        AtomicReference<Duration> backlog = new AtomicReference<>(Duration.ofSeconds(30));
        Reconciler reconciler = new Reconciler(
                store,
                publisher,
                new DefaultLockingTaskExecutor(new MongoLockProvider(mongo.getDb())),
                new ReconcilerProperties(
                        true,
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(30),
                        1000,
                        Duration.ZERO),
                clock,
                backlog::get,
                java.util.Set::of);
        Job job = store.insert(Job.queued(
                Channel.SMS,
                Map.of("phone", "+14155550123", "message", "hi"),
                Instant.now().minusSeconds(10)));

        reconciler.runOnce(); // 10 s unpublished, past the 1 s grace but not past 1 s + the 30 s backlog
        assertThat(store.find(job.idHex()).orElseThrow().publishedAt()).isNull();
        assertThat(queued(Channel.SMS)).isZero();

        backlog.set(Duration.ZERO); // the publisher caught up and the job is still unpublished: it was lost
        reconciler.runOnce();
        assertThat(store.find(job.idHex()).orElseThrow().publishedAt()).isNotNull();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> queued(Channel.SMS) == 1);
    }
}
