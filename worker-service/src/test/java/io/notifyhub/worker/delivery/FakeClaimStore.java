package io.notifyhub.worker.delivery;

import io.notifyhub.model.JobStatus;
import io.notifyhub.model.JobStatusTransitions;
import io.notifyhub.model.store.Attempt;
import io.notifyhub.model.store.ClaimOutcome;
import io.notifyhub.model.store.ClaimStore;
import io.notifyhub.model.store.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bson.types.ObjectId;

/**
 * The store as a worker sees it, in memory, with the store's rules: a claim takes a queued job or a processing one
 * whose lease ran out and counts an attempt; an outcome is recorded only while its claim holds (same attempt and
 * worker, still processing); status changes follow the transition table.
 */
final class FakeClaimStore implements ClaimStore {

    private final Map<ObjectId, Job> jobs = new ConcurrentHashMap<>();

    void put(Job job) {
        jobs.put(job.id(), job);
    }

    Job get(Job job) {
        return jobs.get(job.id());
    }

    @Override
    public Optional<Job> find(String id) {
        return ObjectId.isValid(id) ? Optional.ofNullable(jobs.get(new ObjectId(id))) : Optional.empty();
    }

    @Override
    public synchronized Map<ObjectId, Job> claimAll(
            Map<ObjectId, ObjectId> tokens, String worker, Instant now, Duration lease) {
        Map<ObjectId, Job> claimed = new HashMap<>();
        for (ObjectId id : tokens.keySet()) {
            Job job = jobs.get(id);
            boolean claimable = job != null
                    && (job.status() == JobStatus.QUEUED
                            || job.status() == JobStatus.PROCESSING
                                    && job.leaseUntil().isBefore(now));
            if (claimable) {
                Job held = copy(
                        job,
                        JobStatus.PROCESSING,
                        job.attempts() + 1,
                        job.error(),
                        now,
                        job.publishedAt(),
                        worker,
                        now,
                        now.plus(lease),
                        job.history());
                jobs.put(id, held);
                claimed.put(id, held);
            }
        }
        return claimed;
    }

    @Override
    public synchronized Set<ObjectId> recordAll(List<ClaimOutcome> outcomes) {
        Set<ObjectId> lost = new HashSet<>();
        for (ClaimOutcome outcome : outcomes) {
            Job claimed = outcome.claimed();
            Job job = jobs.get(claimed.id());
            boolean held = job != null
                    && job.status() == JobStatus.PROCESSING
                    && job.attempts() == claimed.attempts()
                    && claimed.claimedBy().equals(job.claimedBy());
            if (!held) {
                lost.add(claimed.id());
                continue;
            }
            JobStatusTransitions.check(JobStatus.PROCESSING, outcome.to());
            List<Attempt> history = new ArrayList<>(job.history());
            history.add(outcome.attempt());
            jobs.put(
                    job.id(),
                    copy(
                            job,
                            outcome.to(),
                            job.attempts(),
                            outcome.attempt().error(),
                            outcome.now(),
                            outcome.to() == JobStatus.QUEUED ? null : job.publishedAt(),
                            null,
                            null,
                            null,
                            history));
        }
        return lost;
    }

    @Override
    public synchronized Optional<Job> failUnclaimed(ObjectId id, String reason, Instant now) {
        Job job = jobs.get(id);
        if (job == null || job.status() != JobStatus.QUEUED && job.status() != JobStatus.PROCESSING) {
            return Optional.empty();
        }
        Job failed = copy(
                job, JobStatus.FAILED, job.attempts(), reason, now, job.publishedAt(), null, null, null, job.history());
        jobs.put(id, failed);
        return Optional.of(failed);
    }

    @Override
    public synchronized void markPublished(ObjectId id, Instant at) {
        Job job = jobs.get(id);
        if (job != null) {
            jobs.put(
                    id,
                    copy(
                            job,
                            job.status(),
                            job.attempts(),
                            job.error(),
                            job.updatedAt(),
                            at,
                            job.claimedBy(),
                            job.claimedAt(),
                            job.leaseUntil(),
                            job.history()));
        }
    }

    /** A job in another state: what a claim, an outcome or a publish mark changes. */
    static Job copy(
            Job job,
            JobStatus status,
            int attempts,
            String error,
            Instant updatedAt,
            Instant publishedAt,
            String claimedBy,
            Instant claimedAt,
            Instant leaseUntil,
            List<Attempt> history) {
        return new Job(
                job.id(),
                job.type(),
                job.payload(),
                status,
                attempts,
                error,
                job.createdAt(),
                updatedAt,
                publishedAt,
                claimedBy,
                claimedAt,
                leaseUntil,
                job.provider(),
                job.providerMessageId(),
                history,
                job.clientId(),
                job.priority(),
                job.scheduledAt(),
                job.callback(),
                job.retentionSeconds(),
                job.expiresAt());
    }
}
