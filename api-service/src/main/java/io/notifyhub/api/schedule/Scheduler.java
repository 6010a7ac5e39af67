package io.notifyhub.api.schedule;

import io.notifyhub.api.poll.LockedPoller;
import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;

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
public class Scheduler extends LockedPoller {

    static final String LOCK = "notifyhub-scheduler";

    private final SchedulerProperties properties;

    public Scheduler(
            JobStore store,
            JobPublisher publisher,
            LockingTaskExecutor locks,
            SchedulerProperties properties,
            Clock clock) {
        super(store, publisher, locks, LOCK, properties.lease(), clock);
        this.properties = properties;
    }

    @Override
    protected void runTask() {
        queueDueJobs();
    }

    /**
     * Queues and publishes the jobs due now, batch after batch, until none is left, the broker stops taking
     * messages, or half the lease is used.
     *
     * @return how many jobs this call queued (each one is queued by exactly one caller)
     */
    int queueDueJobs() {
        Instant deadline = roundDeadline();
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
        } while (another(due, properties.batch(), deadline));
        if (queued > 0) {
            log.info("Scheduler: queued {} due job(s), published {}", queued, published);
        }
        return queued;
    }
}
