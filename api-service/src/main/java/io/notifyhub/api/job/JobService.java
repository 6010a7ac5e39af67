package io.notifyhub.api.job;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.notifyhub.api.auth.Clients;
import io.notifyhub.model.JobMessage;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.config.MessagingProperties;
import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import io.notifyhub.model.topology.Topology;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.bson.types.ObjectId;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

/** Accepts a job: stored first (majority), then published with a confirm. */
@Service
class JobService {

    private static final Logger log = LoggerFactory.getLogger(JobService.class);

    private final JobStore store;
    private final JobPublisher publisher;
    private final CircuitBreaker broker;
    private final Clock clock;
    private final Clients clients;

    JobService(JobStore store, JobPublisher publisher, MessagingProperties messaging, MeterRegistry meters,
            Clock clock, Clients clients) {
        this.clients = clients;
        this.store = store;
        this.publisher = publisher;
        this.clock = clock;
        // while the broker fails or is slow, requests stop waiting on it: jobs are stored and answered at once,
        // and the reconciler publishes them; a few probes a little later find out whether it is back
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        this.broker = breakers.circuitBreaker("broker", CircuitBreakerConfig.custom()
                .slidingWindowSize(20)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                .slowCallDurationThreshold(Duration.ofSeconds(1))
                .slowCallRateThreshold(50)
                .waitDurationInOpenState(messaging.breakerOpenFor())
                .permittedNumberOfCallsInHalfOpenState(3)
                .recordExceptions(JobPublisher.PublishException.class)
                .build());
    }

    /** The job with its client's default webhook when it names none. */
    static Job withDefaults(Job job, Clients clients) {
        if (job.callback() != null) {
            return job;
        }
        return clients.defaultCallbackUrl(job.clientId()).map(job::withCallback).orElse(job);
    }

    /**
     * Stores and publishes a job. A store failure propagates (no job, nothing published). A publish failure
     * does not: the job is stored and stays unpublished ({@code publishedAt} unset) until it is published
     * again by the reconciler, so the client still gets its 201.
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
        try (MDC.MDCCloseable logged = MDC.putCloseable("jobId", job.idHex())) {
            broker.executeRunnable(() -> publisher.publish(Topology.WORK_EXCHANGE,
                    Topology.routingKey(job.type(), job.priority()), JobMessage.of(job.idHex())));
            log.debug("Job {} stored and published", job.idHex());
        } catch (CallNotPermittedException brokerDown) {
            log.debug("Job {} is stored; the broker is failing, so the reconciler publishes it", job.idHex());
            return job;
        } catch (JobPublisher.PublishException e) {
            log.warn("Job {} is stored but not published yet: {}", job.idHex(), e.getMessage());
            return job;
        }
        try {
            store.markPublished(job.id(), clock.instant());
        } catch (DataAccessException e) {
            log.warn("Job {} is published but could not be marked so: {}", job.idHex(), e.getMessage());
        }
        return job;
    }
}
