package io.notifyhub.api.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.notifyhub.api.support.ApiIntegrationTest;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.provider.mongo.MongoLockProvider;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Two scheduler instances (two API replicas) on the same store and broker, besides the API's own (and those of
 * other test contexts in this JVM), which the first test keeps out by holding their lock.
 */
class SchedulerRaceTests extends ApiIntegrationTest {

    private static final int JOBS = 300;

    @Autowired
    JobStore store;

    @Autowired
    JobPublisher publisher;

    @Test
    void shouldPublishEachDueJobOnceEvenWithoutTheLockWhenTwoSchedulersRace() throws Exception {
        // the schedulers of other API contexts this JVM keeps alive stay out: the test holds their lock
        LockProvider locks = new MongoLockProvider(mongo.getDb());
        SimpleLock held = await().atMost(Duration.ofSeconds(5))
                .until(
                        () -> locks.lock(new LockConfiguration(
                                Instant.now(), Scheduler.LOCK, Duration.ofMinutes(1), Duration.ZERO)),
                        Optional::isPresent)
                .orElseThrow();
        try {
            storeDueJobs();
            Scheduler one = scheduler(new DefaultLockingTaskExecutor(locks), 50);
            Scheduler two = scheduler(new DefaultLockingTaskExecutor(locks), 50);

            // a round without the lock: only the per-job conditional update stands between the two
            List<Integer> queued = race(one::queueDueJobs, two::queueDueJobs);

            assertThat(queued.get(0) + queued.get(1)).isEqualTo(JOBS);
            assertEveryJobPublishedOnce();
            System.out.printf("SchedulerRaceTests: the two schedulers queued %s%n", queued);
        } finally {
            held.unlock();
        }
    }

    @Test
    void shouldPublishEachDueJobOnceWhenTwoLockedSchedulersRunRounds() throws Exception {
        // (a scheduler of another API context in this JVM may join in: each job must still go out once)
        storeDueJobs();
        Scheduler one = scheduler(new DefaultLockingTaskExecutor(new MongoLockProvider(mongo.getDb())), 50);
        Scheduler two = scheduler(new DefaultLockingTaskExecutor(new MongoLockProvider(mongo.getDb())), 50);

        race(() -> rounds(one), () -> rounds(two));

        assertEveryJobPublishedOnce();
    }

    private void storeDueJobs() {
        Instant now = Instant.now();
        store.insertAll(IntStream.range(0, JOBS)
                .mapToObj(i -> Job.queued(
                                Channel.EMAIL,
                                Map.of("recipient", "u" + i + "@example.com", "subject", "s", "body", "b"),
                                now)
                        .scheduledFor(now.minusMillis(i)))
                .toList());
    }

    private Scheduler scheduler(LockingTaskExecutor locks, int batch) {
        return new Scheduler(
                store,
                publisher,
                locks,
                new SchedulerProperties(true, Duration.ofSeconds(1), Duration.ofSeconds(30), batch),
                Clock.systemUTC());
    }

    /**
     * Rounds until no job is left scheduled (at most 10 s): a round finds the lock taken now and then (by the
     * other scheduler, or one of another context in this JVM), and skips; five fixed rounds were once all
     * skipped in CI.
     */
    private int rounds(Scheduler scheduler) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        do {
            scheduler.runOnce();
        } while (store.count(JobStatus.SCHEDULED) > 0 && System.nanoTime() < deadline);
        return 0;
    }

    @SafeVarargs
    private static List<Integer> race(Callable<Integer>... schedulers) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(schedulers.length)) {
            List<Future<Integer>> results = pool.invokeAll(List.of(schedulers));
            return results.stream()
                    .map(f -> {
                        try {
                            return f.get();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .toList();
        }
    }

    private void assertEveryJobPublishedOnce() {
        assertThat(store.count(JobStatus.SCHEDULED)).isZero();
        assertThat(store.count(JobStatus.QUEUED)).isEqualTo(JOBS);
        await().atMost(Duration.ofSeconds(5)).until(() -> queued(Channel.EMAIL) == JOBS);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> queued(Channel.EMAIL) == JOBS);
    }
}
