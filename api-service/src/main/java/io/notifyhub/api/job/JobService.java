package io.notifyhub.api.job;

import io.notifyhub.api.auth.Clients;
import io.notifyhub.api.messaging.BatchingPublisher;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import java.time.Clock;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

/** Accepts a job: stored (majority), answered, and published with a confirm in a batch with other requests'. */
@Service
class JobService {

    private static final Logger log = LoggerFactory.getLogger(JobService.class);

    private final JobStore store;
    private final BatchingPublisher batching;
    private final Clock clock;
    private final Clients clients;

    JobService(JobStore store, BatchingPublisher batching, Clock clock, Clients clients) {
        this.clients = clients;
        this.store = store;
        this.batching = batching;
        this.clock = clock;
    }

    /** The job with its client's default webhook when it names none, and its client's retention if it has one. */
    static Job withDefaults(Job job, Clients clients) {
        Job kept = clients.retention(job.clientId()).map(job::retainedFor).orElse(job);
        if (kept.callback() != null) {
            return kept;
        }
        return clients.defaultCallbackUrl(kept.clientId())
                .map(kept::withCallback)
                .orElse(kept);
    }

    /**
     * Stores a job and queues its message. A store failure propagates (no job, nothing published). A publish
     * failure does not: the job is stored and stays unpublished ({@code publishedAt} unset) until the
     * reconciler publishes it.
     */
    Job accept(NewJob request, ObjectId id, String clientId) {
        Job job;
        try {
            job = store.insert(withDefaults(request.toJob(id, clock.instant()).ownedBy(clientId), clients));
        } catch (DuplicateKeyException alreadyStored) {
            // an idempotent request taken over after its first try died: the job is there already; if it
            // is unpublished, the reconciler publishes it
            return store.find(id.toHexString()).orElseThrow(() -> alreadyStored);
        }
        if (job.status() == JobStatus.SCHEDULED) {
            return job; // the scheduler queues and publishes it when it is due
        }
        // answered once stored: the message goes out with other requests' in the next batch, and if it is not
        // confirmed the job stays unpublished and the reconciler publishes it
        try (MDC.MDCCloseable logged = MDC.putCloseable("jobId", job.idHex())) {
            batching.publish(JobPublisher.Outgoing.toWork(job));
            log.debug("Job {} stored; its message is published with the next batch", job.idHex());
        }
        return job;
    }
}
