package io.notifyhub.api.job;

import io.notifyhub.api.auth.Clients;
import io.notifyhub.api.messaging.BatchingPublisher;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bson.types.ObjectId;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

/**
 * Accepts a batch: all its jobs stored with one bulk insert (majority) and answered; the queued ones' messages
 * go to the {@link BatchingPublisher}, like a single job's, which sends them with confirms after the answer. As
 * for a single job, a publish failure does not fail the request: the jobs are stored, and the reconciler
 * publishes what was not confirmed.
 */
@Service
class BatchService {

    private final JobStore store;
    private final BatchingPublisher batching;
    private final Clock clock;
    private final Clients clients;

    BatchService(JobStore store, BatchingPublisher batching, Clock clock, Clients clients) {
        this.clients = clients;
        this.store = store;
        this.batching = batching;
        this.clock = clock;
    }

    /**
     * Stores the batch's jobs with these ids (one per job, in order), as the client's, and queues the messages
     * of those not scheduled; a store failure propagates (nothing is published then).
     */
    List<Job> accept(NewBatch batch, List<ObjectId> ids, String clientId) {
        Instant now = clock.instant();
        List<Job> jobs = new ArrayList<>(ids.size());
        for (int index = 0; index < ids.size(); index++) {
            jobs.add(JobService.withDefaults(
                    batch.jobs().get(index).toJob(ids.get(index), now).ownedBy(clientId), clients));
        }
        try {
            store.insertAll(jobs);
        } catch (DuplicateKeyException retried) {
            // an idempotent batch taken over after its first try died part-way: store what is missing
            insertMissing(jobs);
        }
        // scheduled ones are queued and published by the scheduler when due
        jobs.stream()
                .filter(job -> job.status() == JobStatus.QUEUED)
                .forEach(job -> batching.publish(JobPublisher.Outgoing.toWork(job)));
        return jobs;
    }

    private void insertMissing(List<Job> jobs) {
        for (Job job : jobs) {
            try {
                store.insert(job);
            } catch (DuplicateKeyException stored) {
                // stored by the first try
            }
        }
    }
}
