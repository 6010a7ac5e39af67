package io.notifyhub.api.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.notifyhub.api.support.ApiIntegrationTest;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.test.context.TestPropertySource;

/**
 * A lease also runs out while the store is down, under a worker that sent and waits to record it. So after a
 * start, and after the store was unreachable, the reconciler releases no expired claim until the store has
 * answered it for {@code release-grace}: the worker's own write comes first, and the job is not sent twice.
 * Rounds are run by hand on a clock of the test's, two seconds apart as the scheduler runs them.
 */
@TestPropertySource(properties = "notifyhub.reconciler.enabled=false") // this test runs its rounds itself
class ReconcilerOutageTests extends ApiIntegrationTest {

    private static final Duration ROUND = Duration.ofSeconds(2);
    private static final Duration RELEASE_GRACE = Duration.ofSeconds(30);

    @Autowired
    JobStore store;

    @Autowired
    JobPublisher publisher;

    private final SettableClock clock = new SettableClock(Instant.now());
    private final AtomicBoolean storeDown = new AtomicBoolean();
    private Reconciler reconciler;

    @BeforeEach
    void reconciler() {
        JobStore failing = new JobStore(mongo) {
            @Override
            public List<Job> findExpiredClaims(Instant now, int limit) {
                if (storeDown.get()) {
                    throw new DataAccessResourceFailureException("store unreachable (the test's)");
                }
                return super.findExpiredClaims(now, limit);
            }
        };
        // every round takes the lock (ShedLock's own time is the real one, and this test's clock runs ahead)
        reconciler = new Reconciler(
                failing,
                publisher,
                new DefaultLockingTaskExecutor(lock -> Optional.of(() -> {})),
                new ReconcilerProperties(
                        true, ROUND, Duration.ofSeconds(1), Duration.ofSeconds(30), 1000, RELEASE_GRACE),
                clock,
                () -> Duration.ZERO,
                java.util.Set::of);
    }

    @Test
    void shouldReleaseNoExpiredClaimUntilTheStoreAnsweredForTheGraceAfterAStart() {
        Job held = expiredClaim();

        roundsFor(RELEASE_GRACE.minus(ROUND));
        assertThat(statusOf(held))
                .as("released within the grace after the start")
                .isEqualTo(JobStatus.PROCESSING);

        roundsFor(ROUND.multipliedBy(2));
        assertThat(statusOf(held)).isEqualTo(JobStatus.QUEUED);
    }

    @Test
    void shouldLeaveAClaimThatExpiredDuringAnOutageToItsWorkerForTheGrace() {
        roundsFor(RELEASE_GRACE.plus(ROUND)); // past the start's grace: claims are released again
        Job held = expiredClaim();
        storeDown.set(true);
        roundsFor(Duration.ofSeconds(20)); // rounds fail: the store does not answer
        storeDown.set(false);

        roundsFor(Duration.ofSeconds(10));
        assertThat(statusOf(held)).as("released right after the outage").isEqualTo(JobStatus.PROCESSING);
        // the worker that sent during the outage records it now: its claim still holds, and its write wins
        Job recorded = store.find(held.idHex()).orElseThrow();
        assertThat(store.recordSent(
                        recorded,
                        new io.notifyhub.model.store.Attempt(
                                recorded.attempts(),
                                recorded.claimedAt(),
                                clock.instant(),
                                recorded.claimedBy(),
                                "simulated",
                                io.notifyhub.model.store.AttemptOutcome.SENT,
                                null),
                        "m-1",
                        clock.instant()))
                .isTrue();

        roundsFor(RELEASE_GRACE.plus(ROUND));
        assertThat(statusOf(held)).isEqualTo(JobStatus.SENT);
    }

    @Test
    void shouldTakeAStoreThatHungForAnOutageToo() {
        roundsFor(RELEASE_GRACE.plus(ROUND));
        Job held = expiredClaim();
        clock.advance(Duration.ofSeconds(40)); // no round got an answer for 40 s (a frozen store, a paused process)

        roundsFor(RELEASE_GRACE.minus(ROUND));
        assertThat(statusOf(held))
                .as("released within the grace after the store hung")
                .isEqualTo(JobStatus.PROCESSING);

        roundsFor(ROUND.multipliedBy(2));
        assertThat(statusOf(held)).isEqualTo(JobStatus.QUEUED);
    }

    /** A job claimed by a worker whose lease has run out, as the test's clock sees it. */
    private Job expiredClaim() {
        Job job = store.insert(Job.queued(
                Channel.EMAIL, Map.of("recipient", "a@example.com", "subject", "s", "body", "b"), clock.instant()));
        store.markPublished(job.id(), clock.instant());
        return store.claim(job.id(), "worker-in-the-outage", clock.instant().minusSeconds(60), Duration.ofSeconds(10))
                .orElseThrow();
    }

    private void roundsFor(Duration duration) {
        for (Duration passed = Duration.ZERO; passed.compareTo(duration) < 0; passed = passed.plus(ROUND)) {
            clock.advance(ROUND);
            reconciler.runOnce();
        }
    }

    private JobStatus statusOf(Job job) {
        return store.find(job.idHex()).orElseThrow().status();
    }

    /** A clock the test moves. */
    static final class SettableClock extends Clock {
        private volatile Instant now;

        SettableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
