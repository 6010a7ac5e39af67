package io.notifyhub.model.store;

import static io.notifyhub.model.store.JobFields.ATTEMPTS;
import static io.notifyhub.model.store.JobFields.CLAIMED_AT;
import static io.notifyhub.model.store.JobFields.CLAIMED_BY;
import static io.notifyhub.model.store.JobFields.CLAIM_TOKEN;
import static io.notifyhub.model.store.JobFields.ERROR;
import static io.notifyhub.model.store.JobFields.ID;
import static io.notifyhub.model.store.JobFields.LEASE_UNTIL;
import static io.notifyhub.model.store.JobFields.STATUS;
import static io.notifyhub.model.store.JobFields.UPDATED_AT;
import static org.springframework.data.mongodb.core.query.Criteria.where;

import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.JobStatusTransitions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

/**
 * A worker's writes: claims of jobs, and the claim holder's outcomes.
 *
 * <p>Claims and outcomes are the hottest writes, so they are written in the driver's terms: Spring Data's query
 * and update mapping was a fifth of a worker's CPU. The outcome writes answer only whether they were recorded:
 * the worker has the job already, and reading the changed document back (and mapping it) was a third of a
 * worker's store time.
 */
public final class JobClaims {

    private static final Set<JobStatus> CLAIMABLE = Set.of(JobStatus.QUEUED, JobStatus.PROCESSING);

    private final JobWrites writes;
    private final MongoOperations mongo;
    /** {@link #CLAIMABLE} as stored, for the claims' filter */
    private final List<Object> claimableStatuses;

    JobClaims(JobWrites writes) {
        this.writes = writes;
        this.mongo = writes.mongo;
        CLAIMABLE.forEach(source -> JobStatusTransitions.check(source, JobStatus.PROCESSING));
        this.claimableStatuses = CLAIMABLE.stream().map(writes::bson).toList();
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
        Document held = new Document(ID, new Document("$in", List.copyOf(tokens.keySet())))
                .append(CLAIM_TOKEN, new Document("$in", List.copyOf(tokens.values())));
        mongo.execute(Job.class, jobs -> jobs.find(held)).forEach(document -> {
            Job job = mongo.getConverter().read(Job.class, document);
            if (document.get(CLAIM_TOKEN).equals(tokens.get(job.id()))) {
                claimed.put(job.id(), job);
            }
        });
        return claimed;
    }

    /** The jobs with these {@code _id}s that are queued, or processing under a lease that has run out. */
    private Bson claimable(Object ids, Instant now) {
        // one flat filter with the _id first (not Filters.and, which nests all in an $and): every MongoDB finds
        // the jobs by its _id index, the embedded stand-in too, which otherwise scans the collection
        return new Document(ID, ids)
                .append(STATUS, new Document("$in", claimableStatuses))
                .append(
                        "$or",
                        List.of(
                                new Document(STATUS, writes.bson(JobStatus.QUEUED)),
                                new Document(LEASE_UNTIL, new Document("$lt", writes.bson(now)))));
    }

    private Bson claimUpdate(String worker, Instant now, Duration lease, Bson token) {
        return Updates.combine(
                Updates.set(CLAIMED_BY, worker),
                Updates.set(CLAIMED_AT, writes.bson(now)),
                Updates.set(LEASE_UNTIL, writes.bson(now.plus(lease))),
                Updates.inc(ATTEMPTS, 1),
                token,
                Updates.set(STATUS, writes.bson(JobStatus.PROCESSING)),
                Updates.set(UPDATED_AT, writes.bson(now)));
    }

    /**
     * Records one claim holder's outcome: {@code processing → to}, answering only whether it matched. A final
     * status makes the job's webhook due in the same write; the claimed job says whether it has a webhook, so one
     * write is enough, and the other form is tried only when that one matched nothing.
     *
     * @return false when the claim was lost (its lease expired and another worker claimed the job)
     */
    public boolean record(ClaimOutcome outcome) {
        if (!outcome.to().isTerminal()) {
            return recordOne(outcome, false);
        }
        return JobWrites.withWebhookDue(outcome.makesWebhookDue(), hook -> recordOne(outcome, hook), done -> done);
    }

    private boolean recordOne(ClaimOutcome outcome, boolean hook) {
        Bson filter = outcome.filter(hook, writes::bson);
        Bson update = outcome.update(hook, writes::bson, expiryOf(outcome));
        return mongo.execute(Job.class, jobs -> jobs.updateOne(filter, update)).getModifiedCount() > 0;
    }

    /**
     * Records outcomes of many claims, as {@link #record} records one, in one unordered bulk write. When fewer
     * writes matched than were sent (a claim was lost, or a webhook appeared since the claim), the jobs are read
     * back to learn which ones.
     *
     * @return the jobs whose outcome was not recorded: their claim was lost
     */
    public Set<ObjectId> recordAll(List<ClaimOutcome> outcomes) {
        if (outcomes.isEmpty()) {
            return Set.of();
        }
        if (outcomes.size() == 1) {
            ClaimOutcome only = outcomes.getFirst();
            return record(only) ? Set.of() : Set.of(only.claimed().id());
        }
        List<UpdateOneModel<Document>> bulk = outcomes.stream()
                .map(outcome -> new UpdateOneModel<Document>(
                        outcome.filter(outcome.makesWebhookDue(), writes::bson),
                        outcome.update(outcome.makesWebhookDue(), writes::bson, expiryOf(outcome))))
                .toList();
        if (mongo.execute(Job.class, jobs -> jobs.bulkWrite(bulk, new BulkWriteOptions().ordered(false)))
                        .getMatchedCount()
                == outcomes.size()) {
            return Set.of();
        }
        Map<ObjectId, Job> now = new HashMap<>();
        mongo.find(
                        Query.query(where(ID)
                                .in(outcomes.stream().map(o -> o.claimed().id()).toList())),
                        Job.class)
                .forEach(job -> now.put(job.id(), job));
        Set<ObjectId> lost = new HashSet<>();
        for (ClaimOutcome outcome : outcomes) {
            Job job = now.get(outcome.claimed().id());
            if (job != null && job.history() != null && job.history().stream().anyMatch(outcome::isAttempt)) {
                continue; // the bulk write recorded it
            }
            // not recorded: a webhook appeared since the claim (the other form of the write), or the claim was lost
            if (!record(outcome)) {
                lost.add(outcome.claimed().id());
            }
        }
        return lost;
    }

    /** When the outcome's job is removed, if the outcome is final: its retention starts now. */
    private Instant expiryOf(ClaimOutcome outcome) {
        return outcome.to().isTerminal() ? writes.expiry(outcome.claimed().retentionSeconds(), outcome.now()) : null;
    }

    /** Fails a job that is not held by a live claim; for messages that can never be handled. */
    public Optional<Job> failUnclaimed(ObjectId id, String reason, Instant now) {
        Update update = new Update()
                .set(ERROR, reason)
                .unset(LEASE_UNTIL)
                .unset(CLAIMED_BY)
                .unset(CLAIMED_AT);
        return writes.change(
                id,
                Set.of(JobStatus.QUEUED, JobStatus.PROCESSING),
                JobStatus.FAILED,
                UnaryOperator.identity(),
                update,
                now);
    }
}
