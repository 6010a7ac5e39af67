package io.notifyhub.model.store;

import static io.notifyhub.model.store.JobFields.CALLBACK_ATTEMPTS;
import static io.notifyhub.model.store.JobFields.CALLBACK_DELIVERED_AT;
import static io.notifyhub.model.store.JobFields.CALLBACK_DUE;
import static io.notifyhub.model.store.JobFields.CALLBACK_LAST_ERROR;
import static io.notifyhub.model.store.JobFields.ID;
import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

/**
 * The status webhooks of finished jobs: which are due, a lease on one for its POST, and the POST's outcome. A
 * webhook is made due by the write that makes its job final ({@link JobWrites#withWebhookDue}).
 */
public final class JobCallbacks {

    private final JobWrites writes;
    private final MongoOperations mongo;

    JobCallbacks(JobWrites writes) {
        this.writes = writes;
        this.mongo = writes.mongo;
    }

    /** Jobs whose webhook is due by {@code now} (a lease that ran out is due again), the longest-waiting first. */
    public List<Job> findDueCallbacks(Instant now, int limit) {
        return writes.findLean(where(CALLBACK_DUE).lte(now), CALLBACK_DUE, limit);
    }

    /**
     * Leases a due webhook to this caller until {@code until}, by moving its {@code dueAt} there, if nobody else
     * did since {@code due} was read. Its new {@code dueAt} fences the outcome the caller records: several API
     * replicas may poll at once, and each webhook is still POSTed by one at a time.
     *
     * @return the job with the leased webhook, or empty when someone else leased it first
     */
    public Optional<Job> leaseCallback(Job due, Instant until) {
        return Optional.ofNullable(mongo.findAndModify(
                stillLeased(due),
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
        Update update = new Update().inc(CALLBACK_ATTEMPTS, 1);
        if (error == null) {
            update.set(CALLBACK_DELIVERED_AT, now).unset(CALLBACK_LAST_ERROR);
        } else {
            update.set(CALLBACK_LAST_ERROR, error);
        }
        if (nextDueAt == null) {
            update.unset(CALLBACK_DUE);
        } else {
            update.set(CALLBACK_DUE, nextDueAt);
        }
        return mongo.updateFirst(stillLeased(leased), update, Job.class).getModifiedCount() > 0;
    }

    /** The job, if its webhook is still due when it was read: nobody leased or recorded it since. */
    private static Query stillLeased(Job read) {
        return Query.query(
                where(ID).is(read.id()).and(CALLBACK_DUE).is(read.callback().dueAt()));
    }
}
