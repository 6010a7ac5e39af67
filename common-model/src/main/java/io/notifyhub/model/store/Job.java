package io.notifyhub.model.store;

import io.notifyhub.model.Channel;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.Priority;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.bson.types.ObjectId;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * A notification job as stored in the {@code jobs} collection. The field names of the seed's schema
 * ({@code type, payload, status, attempts, error, createdAt, updatedAt}) are kept; the rest is ours.
 *
 * @param publishedAt       when the broker confirmed the job's message; {@code null} while it waits to be published
 * @param claimedBy         the worker holding the current claim
 * @param claimedAt         when the current attempt started
 * @param leaseUntil        until when the claim holds; after it, the job may be claimed again
 * @param provider          the provider that sent it
 * @param providerMessageId the provider's id for the sent message
 * @param history           one entry per finished attempt
 * @param clientId          the API client that created it; only that client (and admins) can see it
 * @param priority          {@code high} jobs overtake {@code normal} ones
 * @param scheduledAt       when a {@code scheduled} job is due to be queued; {@code null} for a job queued at once
 * @param callback          the status webhook, if the job has one
 * @param retentionSeconds  how long the job is kept once finished, when its client has a retention of its own
 *                          (else the store's default applies)
 * @param expiresAt         when a finished job is removed (a TTL index); set when the job becomes final
 */
@Document(Job.COLLECTION)
public record Job(
        @Id ObjectId id,
        Channel type,
        Map<String, Object> payload,
        JobStatus status,
        int attempts,
        String error,
        Instant createdAt,
        Instant updatedAt,
        Instant publishedAt,
        String claimedBy,
        Instant claimedAt,
        Instant leaseUntil,
        String provider,
        String providerMessageId,
        List<Attempt> history,
        String clientId,
        Priority priority,
        Instant scheduledAt,
        Callback callback,
        Long retentionSeconds,
        Instant expiresAt) {

    public static final String COLLECTION = "jobs";

    public Job {
        history = history == null ? List.of() : List.copyOf(history);
        priority = priority == null ? Priority.NORMAL : priority;
    }

    /** A new job, ready to be stored and published. */
    public static Job queued(Channel type, Map<String, Object> payload, Instant now) {
        return queued(new ObjectId(), type, payload, now);
    }

    /** A new job with a given id (chosen in advance, e.g. for an idempotency key). */
    public static Job queued(ObjectId id, Channel type, Map<String, Object> payload, Instant now) {
        return new Job(
                id,
                type,
                payload,
                JobStatus.QUEUED,
                0,
                null,
                now,
                now,
                null,
                null,
                null,
                null,
                null,
                null,
                List.of(),
                null,
                Priority.NORMAL,
                null,
                null,
                null,
                null);
    }

    /** This job as created by a client. */
    public Job ownedBy(String client) {
        return with(job -> job.clientId = client);
    }

    /** This job with a priority. */
    public Job withPriority(Priority newPriority) {
        return with(job -> job.priority = newPriority);
    }

    /** This job, {@code scheduled} for a later time instead of queued at once. */
    public Job scheduledFor(Instant at) {
        return with(job -> {
            job.status = JobStatus.SCHEDULED;
            job.scheduledAt = at;
        });
    }

    /** This job with a status webhook. */
    public Job withCallback(String url) {
        return with(job -> job.callback = url == null ? null : Callback.to(url));
    }

    /** This job, kept this long once finished instead of the store's default (a client's own retention). */
    public Job retainedFor(java.time.Duration retention) {
        return with(job -> job.retentionSeconds = retention == null ? null : retention.toSeconds());
    }

    /** This job without its payload and history: what publishing and bookkeeping need, at a size that does not grow. */
    public Job lean() {
        return with(job -> {
            job.payload = null;
            job.history = List.of();
        });
    }

    /** A copy of this job with the components {@code change} sets. */
    private Job with(Consumer<Copy> change) {
        Copy copy = new Copy(this);
        change.accept(copy);
        return copy.build();
    }

    /** The components of a job while a copy is being changed. */
    private static final class Copy {
        private ObjectId id;
        private Channel type;
        private Map<String, Object> payload;
        private JobStatus status;
        private int attempts;
        private String error;
        private Instant createdAt;
        private Instant updatedAt;
        private Instant publishedAt;
        private String claimedBy;
        private Instant claimedAt;
        private Instant leaseUntil;
        private String provider;
        private String providerMessageId;
        private List<Attempt> history;
        private String clientId;
        private Priority priority;
        private Instant scheduledAt;
        private Callback callback;
        private Long retentionSeconds;
        private Instant expiresAt;

        Copy(Job job) {
            id = job.id;
            type = job.type;
            payload = job.payload;
            status = job.status;
            attempts = job.attempts;
            error = job.error;
            createdAt = job.createdAt;
            updatedAt = job.updatedAt;
            publishedAt = job.publishedAt;
            claimedBy = job.claimedBy;
            claimedAt = job.claimedAt;
            leaseUntil = job.leaseUntil;
            provider = job.provider;
            providerMessageId = job.providerMessageId;
            history = job.history;
            clientId = job.clientId;
            priority = job.priority;
            scheduledAt = job.scheduledAt;
            callback = job.callback;
            retentionSeconds = job.retentionSeconds;
            expiresAt = job.expiresAt;
        }

        Job build() {
            return new Job(
                    id,
                    type,
                    payload,
                    status,
                    attempts,
                    error,
                    createdAt,
                    updatedAt,
                    publishedAt,
                    claimedBy,
                    claimedAt,
                    leaseUntil,
                    provider,
                    providerMessageId,
                    history,
                    clientId,
                    priority,
                    scheduledAt,
                    callback,
                    retentionSeconds,
                    expiresAt);
        }
    }

    public String idHex() {
        return id.toHexString();
    }
}
