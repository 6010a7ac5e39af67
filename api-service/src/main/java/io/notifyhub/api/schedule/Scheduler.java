package io.notifyhub.api.schedule;

import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import io.notifyhub.model.store.StoreFailures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues and publishes {@code scheduled} jobs once they are due, in rounds, one replica at a time (a ShedLock
 * lock in MongoDB, apart from the reconciler's so neither waits for the other). All its state is the jobs
 * themselves, so a restart or a failover loses nothing: the next round finds whatever is due.
 * <p>
 * Each job is queued by its own conditional update ({@code scheduled → queued}, only if still scheduled), so a
 * concurrent cancel wins cleanly and, even without the lock, only the round that queued a job publishes it. A
 * job queued but not confirmed (the broker is down, or this replica died in between) is an unpublished queued
 * job like any other: the reconciler publishes it. Per-message TTL is not used: it only expires messages at the
 * head of a queue.
 */
public class Scheduler {

    static final String LOCK = "notifyhub-scheduler";
    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

    private final JobStore store;
    private final JobPublisher publisher;
    private final LockingTaskExecutor locks;
    private final SchedulerProperties properties;
    private final Clock clock;

    public Scheduler(
            JobStore store,
            JobPublisher publisher,
            LockingTaskExecutor locks,
            SchedulerProperties properties,
            Clock clock) {
        this.store = store;
        this.publisher = publisher;
        this.locks = locks;
        this.properties = properties;
        this.clock = clock;
    }

    /** One round, if no other replica is running one. */
    public void runOnce() {
        try {
            locks.executeWithLock(
                    (Runnable) this::queueDueJobs,
                    new LockConfiguration(clock.instant(), LOCK, properties.lease(), Duration.ZERO));
        } catch (RuntimeException e) {
            if (!StoreFailures.isUnavailable(e)) {
                throw e;
            }
            log.warn("Scheduler round skipped, store unavailable: {}", e.getMessage());
        }
    }

    /**
     * Queues and publishes the jobs due now, batch after batch, until none is left, the broker stops taking
     * messages, or half the lease is used.
     *
     * @return how many jobs this call queued (each one is queued by exactly one caller)
     */
    int queueDueJobs() {
        Instant deadline = clock.instant().plus(properties.lease().dividedBy(2));
        int queued = 0;
        int published = 0;
        List<Job> due;
        do {
            due = store.findDue(clock.instant(), properties.batch());
            List<Job> mine = new ArrayList<>(due.size());
            for (Job job : due) {
                // kept until published: without its payload, so a round holds batch jobs of a fixed size
                store.queueDue(job.id(), clock.instant()).map(Job::lean).ifPresent(mine::add);
            }
            queued += mine.size();
            int confirmed = publish(mine);
            published += confirmed;
            if (confirmed < mine.size()) {
                break; // the broker is not taking messages; the reconciler publishes the rest
            }
        } while (due.size() == properties.batch() && clock.instant().isBefore(deadline));
        if (queued > 0) {
            log.info("Scheduler: queued {} due job(s), published {}", queued, published);
        }
        return queued;
    }

    private int publish(List<Job> jobs) {
        List<ObjectId> confirmed = publisher.publishJobs(jobs);
        store.markPublished(confirmed, clock.instant());
        return confirmed.size();
    }
}
