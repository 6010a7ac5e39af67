package io.notifyhub.api.job;

import io.notifyhub.model.JobStatus;
import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobQuery;
import io.notifyhub.model.store.JobStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Re-queues failed jobs (dead letters): each is put back to {@code queued} by one guarded write, then published
 * at once. If the broker does not confirm, the job stays unpublished and the reconciler publishes it.
 */
@Service
class DeadLetterService {

    /** Jobs read, re-queued and published per round of a replay. */
    static final int BATCH = 500;

    private static final Logger log = LoggerFactory.getLogger(DeadLetterService.class);

    private final JobStore store;
    private final JobPublisher publisher;
    private final Clock clock;

    DeadLetterService(JobStore store, JobPublisher publisher, Clock clock) {
        this.store = store;
        this.publisher = publisher;
        this.clock = clock;
    }

    /**
     * @param clientId only a job of this client ({@code null}: any)
     * @return the re-queued job, or empty when it is not failed
     */
    Optional<Job> retry(ObjectId id, String clientId) {
        Optional<Job> requeued = store.requeueFailed(id, clientId, clock.instant());
        requeued.ifPresent(job -> publish(List.of(job)));
        return requeued;
    }

    /**
     * Re-queues up to {@code limit} failed jobs matching the filter (its status and cursor are ignored), newest
     * first, in rounds of {@link #BATCH}.
     *
     * @return how many were re-queued
     */
    int replay(JobQuery filter, String clientId, int limit) {
        int replayed = 0;
        while (replayed < limit) {
            // re-queued jobs are failed no more, so each round reads the first page again
            JobQuery round = new JobQuery(
                    JobStatus.FAILED,
                    filter.type(),
                    filter.createdAfter(),
                    filter.createdBefore(),
                    filter.recipient(),
                    null,
                    Math.min(BATCH, limit - replayed));
            List<Job> requeued = store.findPageLean(round, clientId).stream()
                    .map(job -> store.requeueFailed(job.id(), clientId, clock.instant()))
                    .flatMap(Optional::stream)
                    .map(Job::lean) // kept until published: a round holds BATCH jobs of a fixed size
                    .toList();
            if (requeued.isEmpty()) {
                break;
            }
            publish(requeued);
            replayed += requeued.size();
        }
        return replayed;
    }

    private void publish(List<Job> jobs) {
        try {
            // to the queue of the job's priority, as the API publishes it the first time
            store.markPublished(publisher.publishJobs(jobs), clock.instant());
        } catch (RuntimeException e) {
            log.warn("{} re-queued job(s) not published yet, left to the reconciler: {}", jobs.size(), e.getMessage());
        }
    }
}
