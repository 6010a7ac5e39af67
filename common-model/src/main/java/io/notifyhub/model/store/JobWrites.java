package io.notifyhub.model.store;

import static io.notifyhub.model.store.JobFields.CALLBACK_DUE;
import static io.notifyhub.model.store.JobFields.CALLBACK_URL;
import static io.notifyhub.model.store.JobFields.EXPIRES_AT;
import static io.notifyhub.model.store.JobFields.HISTORY;
import static io.notifyhub.model.store.JobFields.ID;
import static io.notifyhub.model.store.JobFields.PAYLOAD;
import static io.notifyhub.model.store.JobFields.RETENTION;
import static io.notifyhub.model.store.JobFields.STATUS;
import static io.notifyhub.model.store.JobFields.UPDATED_AT;
import static org.springframework.data.mongodb.core.query.Criteria.where;

import io.notifyhub.model.JobStatus;
import io.notifyhub.model.JobStatusTransitions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

/**
 * What the store's parts share: the template, the value conversion, retention, and the one guarded status change
 * ({@link #change}) that every status change outside a claim holder's outcome goes through.
 */
final class JobWrites {

    final MongoOperations mongo;
    private final Duration retention;

    JobWrites(MongoOperations mongo, Duration retention) {
        this.mongo = mongo;
        this.retention = retention;
    }

    /** A value as mapped writes store it (status names, dates, attempts as documents), for writes in driver terms. */
    Object bson(Object value) {
        return mongo.getConverter().convertToMongoType(value);
    }

    /** When a job that finishes at {@code at} is removed: after its client's retention, or the default. */
    Instant expiry(Long retentionSeconds, Instant at) {
        return at.plus(retentionSeconds == null ? retention : Duration.ofSeconds(retentionSeconds));
    }

    List<Object> terminalStatuses() {
        return Stream.of(JobStatus.values())
                .filter(JobStatus::isTerminal)
                .map(this::bson)
                .toList();
    }

    /**
     * A poller's read, oldest first by {@code oldestFirst}: the jobs without their payload and history, which no poller needs (it publishes, leases or
     * releases by id, status and claim), so a batch costs memory by its count, not by what clients put in it.
     */
    List<Job> findLean(Criteria criteria, String oldestFirst, int limit) {
        return findLean(Query.query(criteria).with(Sort.by(oldestFirst)).limit(limit));
    }

    /** {@link #findLean(Criteria, String, int)} of any query. */
    List<Job> findLean(Query query) {
        query.fields().exclude(PAYLOAD).exclude(HISTORY);
        return mongo.find(query, Job.class);
    }

    /** Ends a claim: the fields a claim wrote are removed. */
    static Update releaseClaim(Update update) {
        JobFields.CLAIM.forEach(update::unset);
        return update;
    }

    /** The attempt into the history, and the claim released. */
    static Update finish(Attempt attempt) {
        return releaseClaim(new Update().push(HISTORY, attempt));
    }

    static Criteria isHeld(Job claimed, Criteria job) {
        return job.and(JobFields.ATTEMPTS)
                .is(claimed.attempts())
                .and(JobFields.CLAIMED_BY)
                .is(claimed.claimedBy());
    }

    /**
     * A final status makes the job's webhook due in the same write, so no outcome can miss its webhook. Whether the
     * job has one is part of the write's filter (a $set under a missing callback would create one), so the write is
     * tried in the form the job is expected to have ({@code hasHook}), and in the other when that matched nothing.
     *
     * @param write the write for a job with ({@code true}) or without a webhook
     */
    static <T> T withWebhookDue(boolean hasHook, Function<Boolean, T> write, Predicate<T> matched) {
        T first = write.apply(hasHook);
        return matched.test(first) ? first : write.apply(!hasHook);
    }

    /**
     * Where a status changes (with the claim holder's outcomes, {@link ClaimOutcome}): checks each expected source
     * against the transition table and writes the change only if the job is still in one of them (and matches
     * {@code guard}).
     */
    Optional<Job> change(
            ObjectId id, Set<JobStatus> from, JobStatus to, UnaryOperator<Criteria> guard, Update update, Instant now) {
        from.forEach(source -> JobStatusTransitions.check(source, to));
        update.set(STATUS, to).set(UPDATED_AT, now);
        if (!to.isTerminal()) {
            // one flat filter with the _id first: every MongoDB finds the job by its _id index
            return findAndModify(
                    Query.query(guard.apply(where(ID).is(id).and(STATUS).in(from))), update);
        }
        // a final status starts the job's retention: its client's (read first; it never changes) or the default
        Document stored = mongo.findOne(
                Query.query(where(ID).is(id)).addCriteria(where(RETENTION).exists(true)),
                Document.class,
                Job.COLLECTION);
        update.set(EXPIRES_AT, expiry(stored == null ? null : ((Number) stored.get(RETENTION)).longValue(), now));
        // a job without a webhook is changed by the first write, a job with one by the second
        return withWebhookDue(
                false,
                hook -> findAndModify(
                        Query.query(guard.apply(where(ID)
                                .is(id)
                                .and(STATUS)
                                .in(from)
                                .and(CALLBACK_URL)
                                .exists(hook))),
                        hook ? update.set(CALLBACK_DUE, now) : update),
                Optional::isPresent);
    }

    Optional<Job> findAndModify(Query query, Update update) {
        return Optional.ofNullable(mongo.findAndModify(
                query, update, FindAndModifyOptions.options().returnNew(true), Job.class));
    }
}
