package io.notifyhub.api.reconcile;

import io.notifyhub.api.poll.LockedPoller;
import io.notifyhub.model.Channel;
import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;

/**
 * Closes the gaps a crash or an outage leaves, in rounds, one replica at a time (a ShedLock lock in MongoDB):
 * <ul>
 *   <li>a job whose claim expired (its worker died mid-send) goes back to {@code queued}, attempt recorded
 *       as lost;</li>
 *   <li>a queued job whose message was never confirmed (the broker was down, or the API or a worker died
 *       between storing and publishing) is published again;</li>
 *   <li>after a start, finished jobs stored before retention existed get their {@code expiresAt}, a batch a
 *       round.</li>
 * </ul>
 * Publishing twice is harmless (a worker sends only under its claim) but not free: each duplicate costs the
 * broker and a worker a message, a claim and a read. So the grace a job gets grows by this replica's publisher
 * backlog: under a load the publisher is behind on, its jobs are late, not lost, and are left to it.
 *
 * <p>Releasing a claim is not harmless: if its worker did send, the job is sent again. A lease also runs out
 * while the store is down, under a worker that sent and is waiting to record it; the moment the store answers
 * again, that worker's write and this release race, and a release that wins sends the job twice. So after the
 * store was unreachable (and after a start, when nothing is known), this replica releases nothing until the
 * store has answered it for {@code release-grace}: time for the workers that are alive to record their
 * outcomes, after which an expired claim belongs to a worker that is gone.
 */
public class Reconciler extends LockedPoller {

    static final String LOCK = "notifyhub-reconciler";

    private final ReconcilerProperties properties;
    private final Supplier<Duration> publisherBacklog;
    private final Supplier<Set<Channel>> fullChannels;
    /** When the store last answered this replica; null before it ever did. */
    private Instant lastAnswer;
    /** Set when a round found the store unreachable: the next answer starts a release grace. */
    private boolean outage;
    /** Expired claims are left alone until then. */
    private Instant releaseFrom;
    /** Whether every finished job from before retention existed has its expiresAt (checked once per start). */
    private boolean expiryStamped;

    /**
     * @param publisherBacklog how long the oldest message this replica's publisher holds has been waiting
     * @param fullChannels     the channels whose backlog is over its bound: their jobs wait, so that the broker
     *                         is not sent what a full queue refuses, and other channels' jobs are not kept behind
     */
    public Reconciler(
            JobStore store,
            JobPublisher publisher,
            LockingTaskExecutor locks,
            ReconcilerProperties properties,
            Clock clock,
            Supplier<Duration> publisherBacklog,
            Supplier<Set<Channel>> fullChannels) {
        super(store, publisher, locks, LOCK, properties.lease(), clock);
        this.fullChannels = fullChannels;
        this.properties = properties;
        this.publisherBacklog = publisherBacklog;
    }

    @Override
    protected synchronized void storeUnavailable() {
        outage = true;
    }

    /**
     * Records that the store answered, and says whether expired claims may be released now: not within
     * {@code release-grace} of the first answer after a start or an outage. A gap between two answers longer
     * than two rounds and 5 s counts as an outage too (a store that hung rather than failed, or this process
     * paused).
     */
    synchronized boolean answered(Instant at) {
        Duration gap = lastAnswer == null ? null : Duration.between(lastAnswer, at);
        if (gap == null
                || outage
                || gap.compareTo(properties.interval().multipliedBy(2).plusSeconds(5)) > 0) {
            releaseFrom = at.plus(properties.releaseGrace());
            if (lastAnswer != null) {
                log.warn(
                        "The store answers again after {} without; expired claims are released from {} on, so "
                                + "workers that sent meanwhile record their outcomes first",
                        gap,
                        releaseFrom);
            }
            outage = false;
        }
        lastAnswer = at;
        return !at.isBefore(releaseFrom);
    }

    @Override
    protected void runTask() {
        reconcile();
    }

    void reconcile() {
        Instant deadline = roundDeadline();
        int released = 0;
        int published = 0;
        List<Job> batch;
        do {
            batch = store.findExpiredClaims(clock.instant(), properties.batch());
            if (!answered(clock.instant())) {
                break; // back after an outage (or just started): the workers record their outcomes first
            }
            for (Job job : batch) {
                if (store.releaseExpiredClaim(job, clock.instant()).isPresent()) {
                    released++;
                }
            }
        } while (another(batch, properties.batch(), deadline));
        Duration grace = properties.grace().plus(publisherBacklog.get());
        do {
            batch = store.findUnpublished(clock.instant().minus(grace), properties.batch(), fullChannels.get());
            answered(clock.instant());
            int confirmed = publish(batch);
            published += confirmed;
            if (confirmed < batch.size()) {
                break; // the broker is not taking messages; try again next round
            }
        } while (another(batch, properties.batch(), deadline));
        if (released > 0 || published > 0) {
            log.info("Reconciler: released {} expired claim(s), published {} job(s)", released, published);
        }
        if (!expiryStamped) {
            // finished jobs stored before retention existed: a batch a round, until none is left (once per start)
            int stamped = store.stampMissingExpiry(properties.batch());
            expiryStamped = stamped < properties.batch();
            if (stamped > 0) {
                log.info("Reconciler: {} finished job(s) from before retention now expire after it", stamped);
            }
        }
    }
}
