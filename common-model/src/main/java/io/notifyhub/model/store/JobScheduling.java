package io.notifyhub.model.store;

import static io.notifyhub.model.store.JobFields.ATTEMPTS;
import static io.notifyhub.model.store.JobFields.CALLBACK_ATTEMPTS;
import static io.notifyhub.model.store.JobFields.CALLBACK_DELIVERED_AT;
import static io.notifyhub.model.store.JobFields.CALLBACK_DUE;
import static io.notifyhub.model.store.JobFields.CALLBACK_LAST_ERROR;
import static io.notifyhub.model.store.JobFields.CLIENT_ID;
import static io.notifyhub.model.store.JobFields.ERROR;
import static io.notifyhub.model.store.JobFields.EXPIRES_AT;
import static io.notifyhub.model.store.JobFields.HISTORY;
import static io.notifyhub.model.store.JobFields.ID;
import static io.notifyhub.model.store.JobFields.LEASE_UNTIL;
import static io.notifyhub.model.store.JobFields.PUBLISHED_AT;
import static io.notifyhub.model.store.JobFields.RETENTION;
import static io.notifyhub.model.store.JobFields.SCHEDULED_AT;
import static io.notifyhub.model.store.JobFields.STATUS;
import static io.notifyhub.model.store.JobFields.TYPE;
import static io.notifyhub.model.store.JobFields.UPDATED_AT;
import static org.springframework.data.mongodb.core.query.Criteria.where;

import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

/**
 * The pollers' reads and writes (scheduler, reconciler, retention) and the status changes asked for through the
 * API (cancel, re-queue of a dead letter). Each change is guarded by the statuses it moves the job from.
 */
public final class JobScheduling {

    private final JobWrites writes;
    private final MongoOperations mongo;

    JobScheduling(JobWrites writes) {
        this.writes = writes;
        this.mongo = writes.mongo;
    }

    /**
     * Gives finished jobs stored before retention existed their {@code expiresAt} (their last change plus the
     * retention), at most {@code limit} of them; run until it returns fewer than {@code limit}.
     *
     * @return how many it changed
     */
    public int stampMissingExpiry(int limit) {
        Query query = Query.query(where(STATUS)
                        .in(writes.terminalStatuses())
                        .and(EXPIRES_AT)
                        .exists(false))
                .limit(limit);
        query.fields().include(ID).include(STATUS).include(UPDATED_AT).include(RETENTION);
        List<Document> finished = mongo.find(query, Document.class, Job.COLLECTION);
        if (finished.isEmpty()) {
            return 0;
        }
        List<UpdateOneModel<Document>> stamps = new ArrayList<>(finished.size());
        for (Document job : finished) {
            Instant updatedAt = job.getDate(UPDATED_AT) == null
                    ? Instant.now()
                    : job.getDate(UPDATED_AT).toInstant();
            Long seconds = job.get(RETENTION) instanceof Number n ? n.longValue() : null;
            // guarded by the status it had: a job re-queued meanwhile is not stamped
            stamps.add(new UpdateOneModel<>(
                    new Document(ID, job.get(ID))
                            .append(STATUS, job.get(STATUS))
                            .append(EXPIRES_AT, new Document("$exists", false)),
                    Updates.set(EXPIRES_AT, writes.bson(writes.expiry(seconds, updatedAt)))));
        }
        mongo.execute(Job.class, jobs -> jobs.bulkWrite(stamps, new BulkWriteOptions().ordered(false)));
        return finished.size();
    }

    /**
     * Queued jobs whose message was never confirmed (the broker was down, or the publisher died) and that
     * have not changed since {@code unchangedSince}, oldest first, without the jobs of the {@code skipped}
     * channels (whose queues are full: their publishes would be refused).
     */
    public List<Job> findUnpublished(Instant unchangedSince, int limit, Set<Channel> skipped) {
        Criteria criteria = where(STATUS)
                .is(JobStatus.QUEUED)
                .and(PUBLISHED_AT)
                .is(null)
                .and(UPDATED_AT)
                .lt(unchangedSince);
        if (!skipped.isEmpty()) {
            criteria =
                    criteria.and(TYPE).nin(skipped.stream().map(Channel::value).toList());
        }
        return writes.findLean(criteria, UPDATED_AT, limit);
    }

    /** When the longest-waiting queued job without a confirmed message last changed, if there is one. */
    public Optional<Instant> oldestUnpublished() {
        Query query = Query.query(
                        where(STATUS).is(JobStatus.QUEUED).and(PUBLISHED_AT).is(null))
                .with(Sort.by(UPDATED_AT))
                .limit(1);
        query.fields().include(UPDATED_AT);
        return Optional.ofNullable(mongo.findOne(query, Document.class, Job.COLLECTION))
                .map(doc -> doc.getDate(UPDATED_AT).toInstant());
    }

    /** Scheduled jobs due at {@code now} or earlier, the longest overdue first. */
    public List<Job> findDue(Instant now, int limit) {
        return writes.findLean(
                where(STATUS).is(JobStatus.SCHEDULED).and(SCHEDULED_AT).lte(now), SCHEDULED_AT, limit);
    }

    /**
     * Queues a scheduled job that is due: {@code scheduled → queued}, unpublished. Does nothing if it was
     * cancelled or queued by someone else in the meantime, so only one caller ever publishes it.
     *
     * @return the queued job, or empty when it is not (or no longer) a due scheduled job
     */
    public Optional<Job> queueDue(ObjectId id, Instant now) {
        return writes.change(
                id,
                Set.of(JobStatus.SCHEDULED),
                JobStatus.QUEUED,
                job -> job.and(SCHEDULED_AT).lte(now),
                new Update().unset(PUBLISHED_AT),
                now);
    }

    /** Jobs whose claim expired before its holder recorded an outcome: the worker died or hung. */
    public List<Job> findExpiredClaims(Instant now, int limit) {
        return writes.findLean(
                where(STATUS).is(JobStatus.PROCESSING).and(LEASE_UNTIL).lt(now), LEASE_UNTIL, limit);
    }

    /**
     * Puts a job whose claim expired back to {@code queued}, unpublished, recording the lost attempt. Does
     * nothing if the claim was renewed, taken over or finished in the meantime.
     */
    public Optional<Job> releaseExpiredClaim(Job claimed, Instant now) {
        Attempt lost = new Attempt(
                claimed.attempts(),
                claimed.claimedAt(),
                now,
                claimed.claimedBy(),
                null,
                AttemptOutcome.LOST,
                "claim expired at " + claimed.leaseUntil() + " without an outcome");
        return writes.change(
                claimed.id(),
                Set.of(JobStatus.PROCESSING),
                JobStatus.QUEUED,
                job -> JobWrites.isHeld(claimed, job).and(LEASE_UNTIL).lt(now),
                JobWrites.finish(lost).unset(PUBLISHED_AT),
                now);
    }

    /**
     * Cancels a job that no worker has claimed yet ({@code scheduled} or {@code queued}). A worker that claimed
     * it first wins: then nothing changes.
     *
     * @return the cancelled job, or empty when it is not there or not cancellable any more
     */
    public Optional<Job> cancel(ObjectId id, Instant now) {
        return writes.change(
                id,
                Set.of(JobStatus.SCHEDULED, JobStatus.QUEUED),
                JobStatus.CANCELLED,
                UnaryOperator.identity(),
                new Update(),
                now);
    }

    /**
     * Re-queues a failed job (a dead letter): attempts start again from 0, the error is cleared, the history is
     * kept with a {@link AttemptOutcome#REQUEUED} mark, and the webhook is reset so that the next outcome is
     * notified again. The job is left unpublished: the caller publishes it, or else the reconciler does.
     *
     * @param clientId only a job of this client ({@code null}: of any client)
     * @return the queued job, or empty when it is not there (for that client) or not failed
     */
    public Optional<Job> requeueFailed(ObjectId id, String clientId, Instant now) {
        Attempt mark = new Attempt(0, now, now, null, null, AttemptOutcome.REQUEUED, null);
        Update update = new Update()
                .push(HISTORY, mark)
                .set(ATTEMPTS, 0)
                .unset(ERROR)
                .unset(PUBLISHED_AT)
                .unset(EXPIRES_AT) // under way again: kept until it finishes again
                // $unset of a path under a missing callback does nothing, where $set would create a url-less one
                .unset(CALLBACK_DUE)
                .unset(CALLBACK_DELIVERED_AT)
                .unset(CALLBACK_LAST_ERROR)
                .unset(CALLBACK_ATTEMPTS);
        UnaryOperator<Criteria> ofClient = clientId == null
                ? UnaryOperator.identity()
                : job -> job.and(CLIENT_ID).is(clientId);
        return writes.change(id, Set.of(JobStatus.FAILED), JobStatus.QUEUED, ofClient, update, now);
    }
}
