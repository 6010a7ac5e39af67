package io.notifyhub.api.job;

import io.notifyhub.api.auth.Clients;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

/**
 * Accepts a batch: all its jobs stored with one bulk insert (majority), then the queued ones published with
 * confirms, a chunk at a time. As for a single job, a publish failure does not fail the request: the jobs are
 * stored, and the reconciler publishes what was not confirmed.
 */
@Service
class BatchService {

    /** Messages sent before waiting for their confirms. */
    static final int PUBLISH_CHUNK = 250;
    private static final Logger log = LoggerFactory.getLogger(BatchService.class);

    private final JobStore store;
    private final JobPublisher publisher;
    private final Clock clock;
    private final Clients clients;

    BatchService(JobStore store, JobPublisher publisher, Clock clock, Clients clients) {
        this.clients = clients;
        this.store = store;
        this.publisher = publisher;
        this.clock = clock;
    }

    /**
     * Stores and publishes the batch's jobs with these ids (one per job, in order), as the client's; a store
     * failure propagates.
     */
    List<Job> accept(NewBatch batch, List<ObjectId> ids, String clientId) {
        Instant now = clock.instant();
        List<Job> jobs = new ArrayList<>(ids.size());
        for (int index = 0; index < ids.size(); index++) {
            jobs.add(JobService.withDefaults(batch.jobs().get(index).toJob(ids.get(index), now).ownedBy(clientId),
                    clients));
        }
        try {
            store.insertAll(jobs);
        } catch (DuplicateKeyException retried) {
            // an idempotent batch taken over after its first try died part-way: store what is missing
            insertMissing(jobs);
        }
        List<Job> queued = jobs.stream().filter(job -> job.status() == JobStatus.QUEUED).toList();
        for (int from = 0; from < queued.size(); from += PUBLISH_CHUNK) {
            if (!publish(queued.subList(from, Math.min(from + PUBLISH_CHUNK, queued.size())))) {
                log.warn("Batch of {} stored; {} job(s) left unpublished for the reconciler", jobs.size(),
                        queued.size() - from);
                break;
            }
        }
        return jobs; // scheduled ones are queued and published by the scheduler when due
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

    /** @return whether every message of the chunk was confirmed */
    private boolean publish(List<Job> chunk) {
        List<ObjectId> confirmed = publisher.publishJobs(chunk);
        try {
            store.markPublished(confirmed, clock.instant());
        } catch (DataAccessException e) {
            log.warn("{} job(s) are published but could not be marked so: {}", confirmed.size(), e.getMessage());
        }
        return confirmed.size() == chunk.size();
    }
}
