package io.notifyhub.model.store;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobIds;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.JobStatusTransitions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

/**
 * All reads and writes of jobs. Every status change is one conditional update guarded by the statuses the
 * transition table allows as its source, so two writers can never both win the same change.
 */
public class JobStore {

    /** Where each channel's payload keeps its recipient: email address, phone number, device token. */
    static final List<String> RECIPIENT_FIELDS = List.of("payload.recipient", "payload.phone", "payload.token");

    static final String CALLBACK_DUE = "callback.dueAt";
    /** Written by {@link #claimAll} to find the jobs it claimed; not part of {@link Job}. */
    static final String CLAIM_TOKEN = "claimToken";

    private static final Set<JobStatus> CLAIMABLE = Set.of(JobStatus.QUEUED, JobStatus.PROCESSING);
    /** Jobs a page's cursor fetches at a time. */
    static final int PAGE_CURSOR_BATCH = 50;

    /** When a finished job is removed: a TTL index on it ({@code expireAfterSeconds: 0}). */
    public static final String EXPIRES_AT = "expiresAt";
    /** A job's own retention (its client's), in seconds; without it {@link #retention} applies. */
    static final String RETENTION = "retentionSeconds";
    /** How long finished jobs are kept by default. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);

    private final MongoOperations mongo;
    private final Duration retention;
    /** {@link #CLAIMABLE} as stored, for the claims' filter */
    private final List<Object> claimableStatuses;

    public JobStore(MongoOperations mongo) {
        this(mongo, DEFAULT_RETENTION);
    }

    /**
     * @param retention how long a finished job is kept when its client has no retention of its own
     */
    public JobStore(MongoOperations mongo, Duration retention) {
        this.mongo = mongo;
        this.retention = retention;
        CLAIMABLE.forEach(source -> JobStatusTransitions.check(source, JobStatus.PROCESSING));
        this.claimableStatuses = CLAIMABLE.stream().map(this::bson).toList();
    }

    /** One index per filter of {@link #findPage(JobQuery)}, each ending in the newest-first order. */
    public void createIndexes() {
        var indexes = mongo.indexOps(Job.class);
        indexes.createIndex(newestFirst(new Index()));
        for (String field : List.of("status", "type", "clientId")) {
            indexes.createIndex(newestFirst(new Index().on(field, Sort.Direction.ASC)));
        }
        for (String field : RECIPIENT_FIELDS) {
            indexes.createIndex(
                    newestFirst(new Index().on(field, Sort.Direction.ASC)).sparse());
        }
        // the scheduler's query: scheduled jobs by due time
        indexes.createIndex(new Index().on("status", Sort.Direction.ASC).on("scheduledAt", Sort.Direction.ASC));
        // only jobs whose webhook is due (or leased) carry callback.dueAt: the dispatcher's poll reads this index
        indexes.createIndex(new Index().on(CALLBACK_DUE, Sort.Direction.ASC).sparse());
        // retention: only finished jobs carry expiresAt, and the store removes each once that time has passed
        indexes.createIndex(new Index().on(EXPIRES_AT, Sort.Direction.ASC).expire(Duration.ZERO));
    }

    /** When a job that finishes at {@code at} is removed: after its client's retention, or the default. */
    Instant expiry(Long retentionSeconds, Instant at) {
        return at.plus(retentionSeconds == null ? retention : Duration.ofSeconds(retentionSeconds));
    }

    /**
     * Gives finished jobs stored before retention existed their {@code expiresAt} (their last change plus the
     * retention), at most {@code limit} of them; run until it returns fewer than {@code limit}.
     *
     * @return how many it changed
     */
    public int stampMissingExpiry(int limit) {
        Query query = Query.query(
                        where("status").in(terminalStatuses()).and(EXPIRES_AT).exists(false))
                .limit(limit);
        query.fields().include("_id").include("status").include("updatedAt").include(RETENTION);
        List<Document> finished = mongo.find(query, Document.class, Job.COLLECTION);
        if (finished.isEmpty()) {
            return 0;
        }
        List<UpdateOneModel<Document>> writes = new ArrayList<>(finished.size());
        for (Document job : finished) {
            Instant updatedAt = job.getDate("updatedAt") == null
                    ? Instant.now()
                    : job.getDate("updatedAt").toInstant();
            Long seconds = job.get(RETENTION) instanceof Number n ? n.longValue() : null;
            // guarded by the status it had: a job re-queued meanwhile is not stamped
            writes.add(new UpdateOneModel<>(
                    new Document("_id", job.get("_id"))
                            .append("status", job.get("status"))
                            .append(EXPIRES_AT, new Document("$exists", false)),
                    Updates.set(EXPIRES_AT, bson(expiry(seconds, updatedAt)))));
        }
        mongo.execute(Job.class, jobs -> jobs.bulkWrite(writes, new BulkWriteOptions().ordered(false)));
        return finished.size();
    }

    private List<Object> terminalStatuses() {
        return Stream.of(JobStatus.values())
                .filter(JobStatus::isTerminal)
                .map(this::bson)
                .toList();
    }

    private static Index newestFirst(Index index) {
        return index.on("createdAt", Sort.Direction.DESC).on("_id", Sort.Direction.DESC);
    }

    /** Stores a new job; the client's write concern (majority) applies. */
    public Job insert(Job job) {
        return mongo.insert(job);
    }

    /** Stores new jobs with one bulk insert; the client's write concern (majority) applies. */
    public List<Job> insertAll(List<Job> jobs) {
        return List.copyOf(mongo.insertAll(jobs));
    }

    public Optional<Job> find(String id) {
        if (!JobIds.isValid(id)) {
            return Optional.empty();
        }
        return Optional.ofNullable(mongo.findById(new ObjectId(id), Job.class));
    }

    /** One page of jobs matching the query, newest first, ties broken by id. Every filter is backed by an index. */
    public List<Job> findPage(JobQuery query) {
        return findPage(query, query.clientId());
    }

    /** {@link #findPage(JobQuery)} among the jobs of one client ({@code null}: of all clients). */
    public List<Job> findPage(JobQuery query, String clientId) {
        return mongo.find(pageQuery(query, clientId), Job.class);
    }

    /** {@link #findPage(JobQuery, String)} without payloads and histories, for work that needs neither. */
    public List<Job> findPageLean(JobQuery query, String clientId) {
        return findLean(pageQuery(query, clientId));
    }

    /** A page of jobs, and whether there may be more: it was cut at its limit or at its byte budget. */
    public record Page(List<Job> jobs, boolean more) {}

    /**
     * {@link #findPage(JobQuery, String)}, ending the page early once its jobs hold about {@code maxBytes} (see
     * {@link #approximateBytes}); a page always has at least one job if one matches. The jobs are read through a
     * cursor {@value #PAGE_CURSOR_BATCH} at a time, so no more than that is read past the budget.
     */
    public Page findPage(JobQuery query, String clientId, long maxBytes) {
        List<Job> jobs = new ArrayList<>();
        long bytes = 0;
        try (Stream<Job> stream =
                mongo.stream(pageQuery(query, clientId).cursorBatchSize(PAGE_CURSOR_BATCH), Job.class)) {
            Iterator<Job> cursor = stream.iterator();
            while (cursor.hasNext()) {
                Job job = cursor.next();
                long size = approximateBytes(job);
                if (!jobs.isEmpty() && bytes + size > maxBytes) {
                    return new Page(jobs, true);
                }
                jobs.add(job);
                bytes += size;
            }
        }
        return new Page(jobs, jobs.size() == query.limit());
    }

    /**
     * About how many bytes a job takes as JSON: the characters of its text (payload, history, error, webhook)
     * plus a fixed amount for its other fields. Linear in the job, and cheap next to writing it out.
     */
    public static long approximateBytes(Job job) {
        long bytes = 400 + length(job.payload()) + length(job.error());
        for (Attempt attempt : job.history()) {
            bytes += 200 + length(attempt.worker()) + length(attempt.provider()) + length(attempt.error());
        }
        if (job.callback() != null) {
            bytes += 100 + length(job.callback().url()) + length(job.callback().lastError());
        }
        return bytes;
    }

    private static long length(Object value) {
        return switch (value) {
            case null -> 0;
            case CharSequence text -> text.length() + 2;
            case Map<?, ?> map ->
                map.entrySet().stream()
                                .mapToLong(e -> length(e.getKey()) + length(e.getValue()) + 2)
                                .sum()
                        + 2;
            case Collection<?> list -> list.stream().mapToLong(JobStore::length).sum() + list.size() + 2;
            default -> 24;
        };
    }

    private Query pageQuery(JobQuery query, String clientId) {
        List<Criteria> all = new ArrayList<>();
        if (clientId != null) {
            all.add(where("clientId").is(clientId));
        }
        if (query.status() != null) {
            all.add(where("status").is(query.status()));
        }
        if (query.type() != null) {
            all.add(where("type").is(query.type()));
        }
        if (query.createdAfter() != null) {
            all.add(where("createdAt").gt(query.createdAfter()));
        }
        if (query.createdBefore() != null) {
            all.add(where("createdAt").lt(query.createdBefore()));
        }
        if (query.recipient() != null) {
            all.add(new Criteria()
                    .orOperator(RECIPIENT_FIELDS.stream()
                            .map(field -> where(field).is(query.recipient()))
                            .toArray(Criteria[]::new)));
        }
        if (query.after() != null) {
            all.add(new Criteria()
                    .orOperator(
                            where("createdAt").lt(query.after().createdAt()),
                            where("createdAt")
                                    .is(query.after().createdAt())
                                    .and("_id")
                                    .lt(query.after().id())));
        }
        return new Query(all.isEmpty() ? new Criteria() : new Criteria().andOperator(all))
                .with(Sort.by(Sort.Order.desc("createdAt"), Sort.Order.desc("_id")))
                .limit(query.limit());
    }

    /**
     * A poller's read: the jobs without their payload and history, which no poller needs (it publishes, leases or
     * releases by id, status and claim), so a batch costs memory by its count, not by what clients put in it.
     */
    private List<Job> findLean(Query query) {
        query.fields().exclude("payload").exclude("history");
        return mongo.find(query, Job.class);
    }

    /** Records that the broker confirmed the job's message. */
    public void markPublished(ObjectId id, Instant at) {
        mongo.updateFirst(Query.query(where("_id").is(id)), Update.update("publishedAt", at), Job.class);
    }

    /** Records that the broker confirmed the messages of these jobs. */
    public void markPublished(Collection<ObjectId> ids, Instant at) {
        if (!ids.isEmpty()) {
            mongo.updateMulti(Query.query(where("_id").in(ids)), Update.update("publishedAt", at), Job.class);
        }
    }

    /**
     * Queued jobs whose message was never confirmed (the broker was down, or the publisher died) and that
     * have not changed since {@code unchangedSince}, oldest first.
     */
    public List<Job> findUnpublished(Instant unchangedSince, int limit) {
        return findUnpublished(unchangedSince, limit, Set.of());
    }

    /** The same, without the jobs of these channels (whose queues are full: their publishes would be refused). */
    public List<Job> findUnpublished(Instant unchangedSince, int limit, Set<Channel> skipped) {
        Criteria criteria = where("status")
                .is(JobStatus.QUEUED)
                .and("publishedAt")
                .is(null)
                .and("updatedAt")
                .lt(unchangedSince);
        if (!skipped.isEmpty()) {
            criteria = criteria.and("type")
                    .nin(skipped.stream().map(Channel::value).toList());
        }
        return findLean(Query.query(criteria).with(Sort.by("updatedAt")).limit(limit));
    }

    /** How many of these jobs are stored. */
    public long countByIds(Collection<ObjectId> ids) {
        return mongo.count(Query.query(where("_id").in(ids)), Job.class);
    }

    /** How many jobs are in a status. */
    public long count(JobStatus status) {
        return mongo.count(Query.query(where("status").is(status)), Job.class);
    }

    /** When the longest-waiting queued job without a confirmed message last changed, if there is one. */
    public Optional<Instant> oldestUnpublished() {
        Query query = Query.query(
                        where("status").is(JobStatus.QUEUED).and("publishedAt").is(null))
                .with(Sort.by("updatedAt"))
                .limit(1);
        query.fields().include("updatedAt");
        return Optional.ofNullable(mongo.findOne(query, org.bson.Document.class, Job.COLLECTION))
                .map(doc -> doc.getDate("updatedAt").toInstant());
    }

    /** Scheduled jobs due at {@code now} or earlier, the longest overdue first. */
    public List<Job> findDue(Instant now, int limit) {
        Query query = Query.query(where("status")
                        .is(JobStatus.SCHEDULED)
                        .and("scheduledAt")
                        .lte(now))
                .with(Sort.by("scheduledAt"))
                .limit(limit);
        return findLean(query);
    }

    /**
     * Queues a scheduled job that is due: {@code scheduled → queued}, unpublished. Does nothing if it was
     * cancelled or queued by someone else in the meantime, so only one caller ever publishes it.
     *
     * @return the queued job, or empty when it is not (or no longer) a due scheduled job
     */
    public Optional<Job> queueDue(ObjectId id, Instant now) {
        return change(
                id,
                Set.of(JobStatus.SCHEDULED),
                JobStatus.QUEUED,
                job -> job.and("scheduledAt").lte(now),
                new Update().unset("publishedAt"),
                now);
    }

    /** Jobs whose claim expired before its holder recorded an outcome: the worker died or hung. */
    public List<Job> findExpiredClaims(Instant now, int limit) {
        Query query = Query.query(where("status")
                        .is(JobStatus.PROCESSING)
                        .and("leaseUntil")
                        .lt(now))
                .with(Sort.by("leaseUntil"))
                .limit(limit);
        return findLean(query);
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
                Attempt.LOST,
                "claim expired at " + claimed.leaseUntil() + " without an outcome");
        Update update = finish(lost).unset("publishedAt");
        return change(
                claimed.id(),
                Set.of(JobStatus.PROCESSING),
                JobStatus.QUEUED,
                job -> heldBy(claimed).apply(job).and("leaseUntil").lt(now),
                update,
                now);
    }

    /**
     * Cancels a job that no worker has claimed yet ({@code scheduled} or {@code queued}). A worker that claimed
     * it first wins: then nothing changes.
     *
     * @return the cancelled job, or empty when it is not there or not cancellable any more
     */
    public Optional<Job> cancel(ObjectId id, Instant now) {
        return change(
                id,
                Set.of(JobStatus.SCHEDULED, JobStatus.QUEUED),
                JobStatus.CANCELLED,
                UnaryOperator.identity(),
                new Update(),
                now);
    }

    /** Fails a job that is not held by a live claim; for messages that can never be handled. */
    public Optional<Job> failUnclaimed(ObjectId id, String reason, Instant now) {
        Update update = new Update()
                .set("error", reason)
                .unset("leaseUntil")
                .unset("claimedBy")
                .unset("claimedAt");
        return change(
                id,
                Set.of(JobStatus.QUEUED, JobStatus.PROCESSING),
                JobStatus.FAILED,
                UnaryOperator.identity(),
                update,
                now);
    }

    /**
     * Claims a job for one delivery attempt: {@code queued → processing}, or a {@code processing} job whose
     * lease has expired (its worker died). The attempt counter is the fencing token of the claim.
     *
     * @return the claimed job, or empty when it is not there or someone else holds or finished it
     */
    public Optional<Job> claim(ObjectId id, String worker, Instant now, Duration lease) {
        Document claimed = mongo.execute(
                Job.class,
                jobs -> jobs.findOneAndUpdate(
                        claimable(id, now),
                        claimUpdate(worker, now, lease, Updates.unset(CLAIM_TOKEN)),
                        new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER)));
        return Optional.ofNullable(claimed).map(document -> mongo.getConverter().read(Job.class, document));
    }

    /**
     * Claims many jobs as {@link #claim} claims one, each for one delivery that names its claim with a token of its
     * own, in two round trips: one bulk write of the conditional updates, then a read of the jobs that hold the
     * tokens. A delivery that asks again with the same token after its first answer was lost (a store too slow to
     * answer in time, which may still have written the claim) gets the job it claimed then, rather than finding it
     * held (by itself) until the lease runs out.
     *
     * @param tokens each job's claim token, by id
     * @return the jobs claimed now or earlier with their token, by id; an id not there is not claimable (missing,
     *         held, finished)
     */
    public Map<ObjectId, Job> claimAll(Map<ObjectId, ObjectId> tokens, String worker, Instant now, Duration lease) {
        if (tokens.isEmpty()) {
            return Map.of();
        }
        List<UpdateOneModel<Document>> claims = tokens.entrySet().stream()
                .map(claim -> new UpdateOneModel<Document>(
                        claimable(claim.getKey(), now),
                        claimUpdate(worker, now, lease, Updates.set(CLAIM_TOKEN, claim.getValue()))))
                .toList();
        mongo.execute(Job.class, jobs -> jobs.bulkWrite(claims, new BulkWriteOptions().ordered(false)));
        Map<ObjectId, Job> claimed = new HashMap<>();
        Document held = new Document("_id", new Document("$in", List.copyOf(tokens.keySet())))
                .append(CLAIM_TOKEN, new Document("$in", List.copyOf(tokens.values())));
        mongo.execute(Job.class, jobs -> jobs.find(held)).forEach(document -> {
            Job job = mongo.getConverter().read(Job.class, document);
            if (document.get(CLAIM_TOKEN).equals(tokens.get(job.id()))) {
                claimed.put(job.id(), job);
            }
        });
        return claimed;
    }

    /*
     * Claims and the claim holder's outcomes are the hottest writes, so they are written in the driver's terms:
     * Spring Data's query and update mapping was a fifth of a worker's CPU. bson() converts each value as
     * mapped writes store it (status names, dates, attempts as documents).
     */

    /** The jobs with these {@code _id}s that are queued, or processing under a lease that has run out. */
    private Bson claimable(Object ids, Instant now) {
        // one flat filter with the _id first (not Filters.and, which nests all in an $and): every MongoDB finds
        // the jobs by its _id index, the embedded stand-in too, which otherwise scans the collection
        return new Document("_id", ids)
                .append("status", new Document("$in", claimableStatuses))
                .append(
                        "$or",
                        List.of(
                                new Document("status", bson(JobStatus.QUEUED)),
                                new Document("leaseUntil", new Document("$lt", bson(now)))));
    }

    private Bson claimUpdate(String worker, Instant now, Duration lease, Bson token) {
        return Updates.combine(
                Updates.set("claimedBy", worker),
                Updates.set("claimedAt", bson(now)),
                Updates.set("leaseUntil", bson(now.plus(lease))),
                Updates.inc("attempts", 1),
                token,
                Updates.set("status", bson(JobStatus.PROCESSING)),
                Updates.set("updatedAt", bson(now)));
    }

    private Object bson(Object value) {
        return mongo.getConverter().convertToMongoType(value);
    }

    /*
     * The claim holder's outcome writes answer only whether they were recorded: the worker has the job already,
     * and reading the changed document back (and mapping it) was a third of a worker's store time.
     */

    /**
     * The claim holder records a sent message.
     *
     * @return false when the claim was lost (its lease expired and another worker claimed the job)
     */
    public boolean recordSent(Job claimed, Attempt attempt, String providerMessageId, Instant now) {
        return record(Outcome.sent(claimed, attempt, providerMessageId, now));
    }

    /**
     * The claim holder puts the job back for another attempt; it waits to be published to a delay queue.
     *
     * @return false when the claim was lost
     */
    public boolean recordRetry(Job claimed, Attempt attempt, Instant now) {
        return record(Outcome.retry(claimed, attempt, now));
    }

    /**
     * The claim holder gives up on the job.
     *
     * @return false when the claim was lost
     */
    public boolean recordFailed(Job claimed, Attempt attempt, Instant now) {
        return record(Outcome.failed(claimed, attempt, now));
    }

    /**
     * Records one claim holder's outcome: {@code processing → to}, as {@link #change} writes a status change but
     * answering only whether it matched. A final status makes the job's webhook due in the same write; the
     * claimed job says whether it has a webhook, so one write is enough, and the other form is tried only when
     * that one matched nothing.
     *
     * @return false when the claim was lost
     */
    public boolean record(Outcome outcome) {
        return recordOne(outcome, outcome.hook) || outcome.hook != null && recordOne(outcome, !outcome.hook);
    }

    private boolean recordOne(Outcome outcome, Boolean hook) {
        Bson filter = outcome.filter(hook, this::bson);
        Bson update = outcome.update(hook, this::bson, expiryOf(outcome));
        return mongo.execute(Job.class, jobs -> jobs.updateOne(filter, update)).getModifiedCount() > 0;
    }

    /**
     * Records outcomes of many claims, as {@link #record} records one, in one unordered bulk write. When fewer
     * writes matched than were sent (a claim was lost, or a webhook appeared since the claim), the jobs are read
     * back to learn which ones.
     *
     * @return the jobs whose outcome was not recorded: their claim was lost
     */
    public Set<ObjectId> recordAll(List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return Set.of();
        }
        if (outcomes.size() == 1) {
            Outcome only = outcomes.getFirst();
            return record(only) ? Set.of() : Set.of(only.claimed.id());
        }
        List<UpdateOneModel<Document>> writes = outcomes.stream()
                .map(outcome -> new UpdateOneModel<Document>(
                        outcome.filter(outcome.hook, this::bson),
                        outcome.update(outcome.hook, this::bson, expiryOf(outcome))))
                .toList();
        if (mongo.execute(Job.class, jobs -> jobs.bulkWrite(writes, new BulkWriteOptions().ordered(false)))
                        .getMatchedCount()
                == outcomes.size()) {
            return Set.of();
        }
        Map<ObjectId, Job> now = new HashMap<>();
        mongo.find(
                        Query.query(where("_id")
                                .in(outcomes.stream().map(o -> o.claimed.id()).toList())),
                        Job.class)
                .forEach(job -> now.put(job.id(), job));
        Set<ObjectId> lost = new HashSet<>();
        for (Outcome outcome : outcomes) {
            Job job = now.get(outcome.claimed.id());
            if (job != null && job.history() != null && job.history().stream().anyMatch(outcome::isAttempt)) {
                continue; // the bulk write recorded it
            }
            // not recorded: a webhook appeared since the claim (the other form of the write), or the claim was lost
            if (!record(outcome)) {
                lost.add(outcome.claimed.id());
            }
        }
        return lost;
    }

    /** When the outcome's job is removed, if the outcome is final: its retention starts now. */
    private Instant expiryOf(Outcome outcome) {
        return outcome.to.isTerminal() ? expiry(outcome.claimed.retentionSeconds(), outcome.now) : null;
    }

    /**
     * What the holder of a claim learnt of its job: sent, to be retried, or failed, with the attempt that
     * goes into the job's history. Written by {@link #record} or, many at once, {@link #recordAll}.
     */
    public static final class Outcome {

        private final Job claimed;
        private final JobStatus to;
        private final Attempt attempt;
        /** what the outcome changes besides the history, the claim, status and time */
        private final List<Bson> change;

        private final Instant now;
        /** whether the job has a webhook, which a final status makes due; null: not a final status */
        private final Boolean hook;

        private Outcome(Job claimed, JobStatus to, Attempt attempt, List<Bson> change, Instant now) {
            JobStatusTransitions.check(JobStatus.PROCESSING, to);
            this.claimed = claimed;
            this.to = to;
            this.attempt = attempt;
            this.change = change;
            this.now = now;
            this.hook = to.isTerminal() ? claimed.callback() != null : null;
        }

        public static Outcome sent(Job claimed, Attempt attempt, String providerMessageId, Instant now) {
            return new Outcome(
                    claimed,
                    JobStatus.SENT,
                    attempt,
                    List.of(
                            Updates.set("provider", attempt.provider()),
                            Updates.set("providerMessageId", providerMessageId),
                            Updates.unset("error")),
                    now);
        }

        /** The job goes back to {@code queued}, unpublished, waiting to be published to a delay queue. */
        public static Outcome retry(Job claimed, Attempt attempt, Instant now) {
            return new Outcome(
                    claimed,
                    JobStatus.QUEUED,
                    attempt,
                    List.of(Updates.set("error", attempt.error()), Updates.unset("publishedAt")),
                    now);
        }

        public static Outcome failed(Job claimed, Attempt attempt, Instant now) {
            return new Outcome(claimed, JobStatus.FAILED, attempt, List.of(Updates.set("error", attempt.error())), now);
        }

        public Job claimed() {
            return claimed;
        }

        /**
         * Still held by this claim: processing, with its attempt number and worker. In the driver's terms, as the
         * claim is, since these writes are as frequent; {@code bson} converts a value as the store keeps it.
         */
        private Bson filter(Boolean hook, Function<Object, Object> bson) {
            // flat, with the _id first, as claimable() is
            Document held = new Document("_id", claimed.id())
                    .append("status", bson.apply(JobStatus.PROCESSING))
                    .append("attempts", claimed.attempts())
                    .append("claimedBy", claimed.claimedBy());
            return hook == null ? held : held.append("callback.url", new Document("$exists", hook));
        }

        /**
         * The attempt into the history, the claim released, the outcome's own fields, status and time, and for a
         * final outcome when the job is removed.
         */
        private Bson update(Boolean hook, Function<Object, Object> bson, Instant expiresAt) {
            List<Bson> updates = new ArrayList<>(List.of(
                    Updates.push("history", bson.apply(attempt)),
                    Updates.unset("leaseUntil"),
                    Updates.unset("claimedBy"),
                    Updates.unset("claimedAt"),
                    Updates.unset(CLAIM_TOKEN)));
            updates.addAll(change);
            updates.add(Updates.set("status", bson.apply(to)));
            updates.add(Updates.set("updatedAt", bson.apply(now)));
            if (Boolean.TRUE.equals(hook)) {
                updates.add(Updates.set(CALLBACK_DUE, bson.apply(now)));
            }
            if (expiresAt != null) {
                updates.add(Updates.set(EXPIRES_AT, bson.apply(expiresAt)));
            }
            return Updates.combine(updates);
        }

        /** Whether a stored attempt is this outcome's (the store keeps times to the millisecond). */
        private boolean isAttempt(Attempt stored) {
            return stored.number() == attempt.number()
                    && Objects.equals(stored.worker(), attempt.worker())
                    && Objects.equals(stored.outcome(), attempt.outcome())
                    && stored.endedAt() != null
                    && stored.endedAt().toEpochMilli() == attempt.endedAt().toEpochMilli();
        }
    }

    /**
     * Re-queues a failed job (a dead letter): attempts start again from 0, the error is cleared, the history is
     * kept with a {@link Attempt#REQUEUED} mark, and the webhook is reset so that the next outcome is notified
     * again. The job is left unpublished: the caller publishes it, or else the reconciler does.
     *
     * @param clientId only a job of this client ({@code null}: of any client)
     * @return the queued job, or empty when it is not there (for that client) or not failed
     */
    public Optional<Job> requeueFailed(ObjectId id, String clientId, Instant now) {
        Attempt mark = new Attempt(0, now, now, null, null, Attempt.REQUEUED, null);
        Update update = new Update()
                .push("history", mark)
                .set("attempts", 0)
                .unset("error")
                .unset("publishedAt")
                .unset(EXPIRES_AT) // under way again: kept until it finishes again
                // $unset of a path under a missing callback does nothing, where $set would create a url-less one
                .unset(CALLBACK_DUE)
                .unset("callback.deliveredAt")
                .unset("callback.lastError")
                .unset("callback.attempts");
        UnaryOperator<Criteria> ofClient = clientId == null
                ? UnaryOperator.identity()
                : job -> job.and("clientId").is(clientId);
        return change(id, Set.of(JobStatus.FAILED), JobStatus.QUEUED, ofClient, update, now);
    }

    /** Jobs whose webhook is due by {@code now} (a lease that ran out is due again), the longest-waiting first. */
    public List<Job> findDueCallbacks(Instant now, int limit) {
        Query query = Query.query(where(CALLBACK_DUE).lte(now))
                .with(Sort.by(CALLBACK_DUE))
                .limit(limit);
        return findLean(query);
    }

    /**
     * Leases a due webhook to this caller until {@code until}, by moving its {@code dueAt} there, if nobody else
     * did since {@code due} was read. Its new {@code dueAt} fences the outcome the caller records: several API
     * replicas may poll at once, and each webhook is still POSTed by one at a time.
     *
     * @return the job with the leased webhook, or empty when someone else leased it first
     */
    public Optional<Job> leaseCallback(Job due, Instant until) {
        Query query = Query.query(
                where("_id").is(due.id()).and(CALLBACK_DUE).is(due.callback().dueAt()));
        return Optional.ofNullable(mongo.findAndModify(
                query,
                Update.update(CALLBACK_DUE, until),
                FindAndModifyOptions.options().returnNew(true),
                Job.class));
    }

    /**
     * Records the outcome of one POST of a leased webhook: delivered ({@code error} null), to be tried again at
     * {@code nextDueAt}, or given up ({@code nextDueAt} null). Does nothing once the lease is lost.
     *
     * @return whether the outcome was recorded
     */
    public boolean recordCallback(Job leased, Instant now, String error, Instant nextDueAt) {
        Query query = Query.query(where("_id")
                .is(leased.id())
                .and(CALLBACK_DUE)
                .is(leased.callback().dueAt()));
        Update update = new Update().inc("callback.attempts", 1);
        if (error == null) {
            update.set("callback.deliveredAt", now).unset("callback.lastError");
        } else {
            update.set("callback.lastError", error);
        }
        if (nextDueAt == null) {
            update.unset(CALLBACK_DUE);
        } else {
            update.set(CALLBACK_DUE, nextDueAt);
        }
        return mongo.updateFirst(query, update, Job.class).getModifiedCount() > 0;
    }

    private static Update finish(Attempt attempt) {
        return new Update()
                .push("history", attempt)
                .unset("leaseUntil")
                .unset("claimedBy")
                .unset("claimedAt")
                .unset(CLAIM_TOKEN);
    }

    private static UnaryOperator<Criteria> heldBy(Job claimed) {
        return job ->
                job.and("attempts").is(claimed.attempts()).and("claimedBy").is(claimed.claimedBy());
    }

    /**
     * Where a status changes (with {@link #record} for the claim holder's outcomes): checks each expected
     * source against the transition table and writes the change only if the job is still in one of them (and
     * matches {@code guard}).
     */
    private Optional<Job> change(
            ObjectId id, Set<JobStatus> from, JobStatus to, UnaryOperator<Criteria> guard, Update update, Instant now) {
        from.forEach(source -> JobStatusTransitions.check(source, to));
        update.set("status", to).set("updatedAt", now);
        if (!to.isTerminal()) {
            // one flat filter with the _id first: every MongoDB finds the job by its _id index
            return findAndModify(
                    Query.query(guard.apply(where("_id").is(id).and("status").in(from))), update);
        }
        // a final status starts the job's retention: its client's (read first; it never changes) or the default
        Document stored = mongo.findOne(
                Query.query(where("_id").is(id)).addCriteria(where(RETENTION).exists(true)),
                Document.class,
                Job.COLLECTION);
        update.set(EXPIRES_AT, expiry(stored == null ? null : ((Number) stored.get(RETENTION)).longValue(), now));
        // a final status makes the job's webhook due in the same write, so no outcome can miss its webhook.
        // Whether the job has one is part of the filter (a $set under a missing callback would create one):
        // a job without one is changed by the first write, a job with one by the second.
        Optional<Job> changed = findAndModify(
                Query.query(guard.apply(where("_id")
                        .is(id)
                        .and("status")
                        .in(from)
                        .and("callback.url")
                        .exists(false))),
                update);
        if (changed.isPresent()) {
            return changed;
        }
        return findAndModify(
                Query.query(guard.apply(where("_id")
                        .is(id)
                        .and("status")
                        .in(from)
                        .and("callback.url")
                        .exists(true))),
                update.set(CALLBACK_DUE, now));
    }

    private Optional<Job> findAndModify(Query query, Update update) {
        return Optional.ofNullable(mongo.findAndModify(
                query, update, FindAndModifyOptions.options().returnNew(true), Job.class));
    }
}
