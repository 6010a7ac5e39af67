package io.notifyhub.model.store;

import static io.notifyhub.model.store.JobFields.ATTEMPTS;
import static io.notifyhub.model.store.JobFields.CALLBACK_DUE;
import static io.notifyhub.model.store.JobFields.CALLBACK_URL;
import static io.notifyhub.model.store.JobFields.CLAIMED_BY;
import static io.notifyhub.model.store.JobFields.ERROR;
import static io.notifyhub.model.store.JobFields.EXPIRES_AT;
import static io.notifyhub.model.store.JobFields.HISTORY;
import static io.notifyhub.model.store.JobFields.ID;
import static io.notifyhub.model.store.JobFields.PROVIDER;
import static io.notifyhub.model.store.JobFields.PROVIDER_MESSAGE_ID;
import static io.notifyhub.model.store.JobFields.PUBLISHED_AT;
import static io.notifyhub.model.store.JobFields.STATUS;
import static io.notifyhub.model.store.JobFields.UPDATED_AT;

import com.mongodb.client.model.Updates;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.JobStatusTransitions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * What the holder of a claim learnt of its job: sent, to be retried, or failed, with the attempt that goes into
 * the job's history. Written by {@link JobClaims#record} or, many at once, {@link JobClaims#recordAll}.
 */
public final class ClaimOutcome {

    private final Job claimed;
    private final JobStatus to;
    private final Attempt attempt;
    /** what the outcome changes besides the history, the claim, status and time */
    private final List<Bson> change;

    private final Instant now;

    private ClaimOutcome(Job claimed, JobStatus to, Attempt attempt, List<Bson> change, Instant now) {
        JobStatusTransitions.check(JobStatus.PROCESSING, to);
        this.claimed = claimed;
        this.to = to;
        this.attempt = attempt;
        this.change = change;
        this.now = now;
    }

    public static ClaimOutcome sent(Job claimed, Attempt attempt, String providerMessageId, Instant now) {
        return new ClaimOutcome(
                claimed,
                JobStatus.SENT,
                attempt,
                List.of(
                        Updates.set(PROVIDER, attempt.provider()),
                        Updates.set(PROVIDER_MESSAGE_ID, providerMessageId),
                        Updates.unset(ERROR)),
                now);
    }

    /** The job goes back to {@code queued}, unpublished, waiting to be published to a delay queue. */
    public static ClaimOutcome retry(Job claimed, Attempt attempt, Instant now) {
        return new ClaimOutcome(
                claimed,
                JobStatus.QUEUED,
                attempt,
                List.of(Updates.set(ERROR, attempt.error()), Updates.unset(PUBLISHED_AT)),
                now);
    }

    public static ClaimOutcome failed(Job claimed, Attempt attempt, Instant now) {
        return new ClaimOutcome(claimed, JobStatus.FAILED, attempt, List.of(Updates.set(ERROR, attempt.error())), now);
    }

    public Job claimed() {
        return claimed;
    }

    /** The status the outcome moves the job to. */
    public JobStatus to() {
        return to;
    }

    public Attempt attempt() {
        return attempt;
    }

    public Instant now() {
        return now;
    }

    /** A final status makes the job's webhook due, if it has one (the claimed job says). */
    boolean makesWebhookDue() {
        return to.isTerminal() && claimed.callback() != null;
    }

    /**
     * Still held by this claim: processing, with its attempt number and worker; for a final outcome, with or
     * without a webhook ({@code hook}). In the driver's terms, as the claim is, since these writes are as frequent;
     * {@code bson} converts a value as the store keeps it.
     */
    Bson filter(boolean hook, Function<Object, Object> bson) {
        // flat, with the _id first, as the claim's filter is
        Document held = new Document(ID, claimed.id())
                .append(STATUS, bson.apply(JobStatus.PROCESSING))
                .append(ATTEMPTS, claimed.attempts())
                .append(CLAIMED_BY, claimed.claimedBy());
        return to.isTerminal() ? held.append(CALLBACK_URL, new Document("$exists", hook)) : held;
    }

    /**
     * The attempt into the history, the claim released, the outcome's own fields, status and time, and for a
     * final outcome when the job is removed and, with a webhook ({@code hook}), that it is due.
     */
    Bson update(boolean hook, Function<Object, Object> bson, Instant expiresAt) {
        List<Bson> updates = new ArrayList<>();
        updates.add(Updates.push(HISTORY, bson.apply(attempt)));
        JobFields.CLAIM.forEach(field -> updates.add(Updates.unset(field)));
        updates.addAll(change);
        updates.add(Updates.set(STATUS, bson.apply(to)));
        updates.add(Updates.set(UPDATED_AT, bson.apply(now)));
        if (hook && to.isTerminal()) {
            updates.add(Updates.set(CALLBACK_DUE, bson.apply(now)));
        }
        if (expiresAt != null) {
            updates.add(Updates.set(EXPIRES_AT, bson.apply(expiresAt)));
        }
        return Updates.combine(updates);
    }

    /** Whether a stored attempt is this outcome's (the store keeps times to the millisecond). */
    boolean isAttempt(Attempt stored) {
        return stored.number() == attempt.number()
                && Objects.equals(stored.worker(), attempt.worker())
                && Objects.equals(stored.outcome(), attempt.outcome())
                && stored.endedAt() != null
                && stored.endedAt().toEpochMilli() == attempt.endedAt().toEpochMilli();
    }
}
