package io.notifyhub.api.poll;

import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import io.notifyhub.model.store.StoreFailures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task that polls the job store in rounds, one replica at a time (a ShedLock lock in MongoDB), as JobRunr's
 * {@code AbstractJobZooKeeperTask}: a subclass implements {@link #runTask()}; taking the lock, skipping a round
 * while the store is unreachable, the round's time budget and publishing what a round found live here once.
 */
public abstract class LockedPoller {

    protected final Logger log = LoggerFactory.getLogger(getClass());
    protected final JobStore store;
    protected final Clock clock;
    private final JobPublisher publisher;
    private final LockingTaskExecutor locks;
    private final String lock;
    private final Duration lease;

    /**
     * @param lock  the lock's name, one per kind of poller, so that no kind waits for another
     * @param lease the most a round may hold the lock; if its replica dies, another takes over after it
     */
    protected LockedPoller(
            JobStore store,
            JobPublisher publisher,
            LockingTaskExecutor locks,
            String lock,
            Duration lease,
            Clock clock) {
        this.store = store;
        this.publisher = publisher;
        this.locks = locks;
        this.lock = lock;
        this.lease = lease;
        this.clock = clock;
    }

    /** One round, if no other replica is running one; a round that finds the store unreachable is skipped. */
    public void runOnce() {
        try {
            locks.executeWithLock(
                    (Runnable) this::runTask, new LockConfiguration(clock.instant(), lock, lease, Duration.ZERO));
        } catch (RuntimeException e) {
            if (!StoreFailures.isUnavailable(e)) {
                throw e;
            }
            storeUnavailable();
            log.warn("{} round skipped, store unavailable: {}", getClass().getSimpleName(), e.getMessage());
        }
    }

    /** One round's work, under the lock. */
    protected abstract void runTask();

    /** Called when a round was skipped because the store could not be reached. */
    protected void storeUnavailable() {}

    /** When a round that starts now stops taking more batches: half the lease, so the lock outlives the round. */
    protected Instant roundDeadline() {
        return clock.instant().plus(lease.dividedBy(2));
    }

    /** Whether a round goes on to another batch: the last one was full, and the round's time is not up. */
    protected boolean another(List<?> batch, int size, Instant deadline) {
        return batch.size() == size && clock.instant().isBefore(deadline);
    }

    /**
     * Publishes the jobs and records the confirmed ones as published.
     *
     * @return how many the broker confirmed; fewer than given: the broker is not taking messages
     */
    protected int publish(List<Job> jobs) {
        List<ObjectId> confirmed = publisher.publishJobs(jobs);
        store.markPublished(confirmed, clock.instant());
        return confirmed.size();
    }
}
