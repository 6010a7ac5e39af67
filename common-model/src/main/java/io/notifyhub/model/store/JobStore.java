package io.notifyhub.model.store;

import io.notifyhub.model.Channel;
import io.notifyhub.model.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.MongoOperations;

/**
 * All reads and writes of jobs, and the only class outside this package that touches the {@code jobs} collection.
 * Every status change is one conditional update guarded by the statuses the transition table allows as its source,
 * so two writers can never both win the same change.
 *
 * <p>The work is split by concern, one class each: {@link JobQueries} (inserts, pages, counts, publish marks),
 * {@link JobClaims} (a worker's claims and {@link ClaimOutcome outcomes}), {@link JobScheduling} (the pollers and
 * the API's status changes) and {@link JobCallbacks} (status webhooks). Field names are in {@link JobFields},
 * indexes in {@link JobIndexes}. This class is the one entry point the services are given; each method says which
 * part does the work.
 */
public class JobStore implements ClaimStore {

    /** How long finished jobs are kept by default. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);

    private final JobWrites writes;
    private final JobQueries queries;
    private final JobClaims claims;
    private final JobScheduling scheduling;
    private final JobCallbacks callbacks;

    public JobStore(MongoOperations mongo) {
        this(mongo, DEFAULT_RETENTION);
    }

    /**
     * @param retention how long a finished job is kept when its client has no retention of its own
     */
    public JobStore(MongoOperations mongo, Duration retention) {
        this.writes = new JobWrites(mongo, retention);
        this.queries = new JobQueries(writes);
        this.claims = new JobClaims(writes);
        this.scheduling = new JobScheduling(writes);
        this.callbacks = new JobCallbacks(writes);
    }

    public JobQueries queries() {
        return queries;
    }

    public JobClaims claims() {
        return claims;
    }

    public JobScheduling scheduling() {
        return scheduling;
    }

    public JobCallbacks callbacks() {
        return callbacks;
    }

    /** The indexes every query of the store reads ({@link JobIndexes#all()}). */
    public void createIndexes() {
        JobIndexes.create(writes.mongo, JobIndexes.all());
    }

    /** The indexes of the ops console's counts ({@link JobIndexes#stats()}). */
    public void createStatsIndexes() {
        JobIndexes.create(writes.mongo, JobIndexes.stats());
    }

    // queries: JobQueries

    public Job insert(Job job) {
        return queries.insert(job);
    }

    public List<Job> insertAll(List<Job> jobs) {
        return queries.insertAll(jobs);
    }

    @Override
    public Optional<Job> find(String id) {
        return queries.find(id);
    }

    /** One page of jobs matching the query (and its client), newest first, ties broken by id. */
    public List<Job> findPage(JobQuery query) {
        return queries.findPage(query, query.clientId());
    }

    public List<Job> findPage(JobQuery query, String clientId) {
        return queries.findPage(query, clientId);
    }

    public List<Job> findPageLean(JobQuery query, String clientId) {
        return queries.findPageLean(query, clientId);
    }

    public JobQueries.Page findPage(JobQuery query, String clientId, long maxBytes) {
        return queries.findPage(query, clientId, maxBytes);
    }

    @Override
    public void markPublished(ObjectId id, Instant at) {
        queries.markPublished(id, at);
    }

    public void markPublished(Collection<ObjectId> ids, Instant at) {
        queries.markPublished(ids, at);
    }

    public long countByIds(Collection<ObjectId> ids) {
        return queries.countByIds(ids);
    }

    public long count(JobStatus status) {
        return queries.count(status);
    }

    // pollers and the API's status changes: JobScheduling

    public int stampMissingExpiry(int limit) {
        return scheduling.stampMissingExpiry(limit);
    }

    public List<Job> findUnpublished(Instant unchangedSince, int limit) {
        return scheduling.findUnpublished(unchangedSince, limit, Set.of());
    }

    public List<Job> findUnpublished(Instant unchangedSince, int limit, Set<Channel> skipped) {
        return scheduling.findUnpublished(unchangedSince, limit, skipped);
    }

    public Optional<Instant> oldestUnpublished() {
        return scheduling.oldestUnpublished();
    }

    public List<Job> findDue(Instant now, int limit) {
        return scheduling.findDue(now, limit);
    }

    public Optional<Job> queueDue(ObjectId id, Instant now) {
        return scheduling.queueDue(id, now);
    }

    public List<Job> findExpiredClaims(Instant now, int limit) {
        return scheduling.findExpiredClaims(now, limit);
    }

    public Optional<Job> releaseExpiredClaim(Job claimed, Instant now) {
        return scheduling.releaseExpiredClaim(claimed, now);
    }

    public Optional<Job> cancel(ObjectId id, Instant now) {
        return scheduling.cancel(id, now);
    }

    public Optional<Job> requeueFailed(ObjectId id, String clientId, Instant now) {
        return scheduling.requeueFailed(id, clientId, now);
    }

    // a worker's claims and outcomes: JobClaims

    public Optional<Job> claim(ObjectId id, String worker, Instant now, Duration lease) {
        return claims.claim(id, worker, now, lease);
    }

    @Override
    public Map<ObjectId, Job> claimAll(Map<ObjectId, ObjectId> tokens, String worker, Instant now, Duration lease) {
        return claims.claimAll(tokens, worker, now, lease);
    }

    public boolean recordSent(Job claimed, Attempt attempt, String providerMessageId, Instant now) {
        return claims.record(ClaimOutcome.sent(claimed, attempt, providerMessageId, now));
    }

    public boolean recordRetry(Job claimed, Attempt attempt, Instant now) {
        return claims.record(ClaimOutcome.retry(claimed, attempt, now));
    }

    public boolean recordFailed(Job claimed, Attempt attempt, Instant now) {
        return claims.record(ClaimOutcome.failed(claimed, attempt, now));
    }

    public boolean record(ClaimOutcome outcome) {
        return claims.record(outcome);
    }

    @Override
    public Set<ObjectId> recordAll(List<ClaimOutcome> outcomes) {
        return claims.recordAll(outcomes);
    }

    @Override
    public Optional<Job> failUnclaimed(ObjectId id, String reason, Instant now) {
        return claims.failUnclaimed(id, reason, now);
    }

    // status webhooks: JobCallbacks

    public List<Job> findDueCallbacks(Instant now, int limit) {
        return callbacks.findDueCallbacks(now, limit);
    }

    public Optional<Job> leaseCallback(Job due, Instant until) {
        return callbacks.leaseCallback(due, until);
    }

    public boolean recordCallback(Job leased, Instant now, String error, Instant nextDueAt) {
        return callbacks.recordCallback(leased, now, error, nextDueAt);
    }
}
