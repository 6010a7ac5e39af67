package io.notifyhub.worker.delivery;

import io.notifyhub.model.Channel;
import io.notifyhub.model.JobMessage;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.Priority;
import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.store.Attempt;
import io.notifyhub.model.store.AttemptOutcome;
import io.notifyhub.model.store.ClaimOutcome;
import io.notifyhub.model.store.ClaimStore;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.topology.Topology;
import io.notifyhub.model.topology.TopologyProperties;
import io.notifyhub.worker.config.WorkerProperties;
import io.notifyhub.worker.provider.DeliveryRequest;
import io.notifyhub.worker.provider.DeliveryResult;
import io.notifyhub.worker.provider.ProviderRegistry;
import io.notifyhub.worker.provider.chain.Admission;
import io.notifyhub.worker.provider.chain.ProviderChain;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Service;

/**
 * Handles one job message: claim the job, call its channel's provider chain once, record the outcome, and
 * say what becomes of the message. Only the holder of the claim calls a provider, so a redelivered or
 * duplicated message never sends twice.
 *
 * <p>Before claiming, the chain is asked whether it can take the job now (sender limit, breakers, provider
 * rate limits). When it cannot, the message waits in a delay queue and the job stays {@code queued} with its
 * attempts untouched: throttling and open breakers never fail a job or spend its attempts.
 */
@Service
class DeliveryService {

    private static final Logger log = LoggerFactory.getLogger(DeliveryService.class);

    private final ClaimStore store;
    private final ProviderRegistry providers;
    private final WorkerProperties properties;
    private final Clock clock;
    private final StoreRetry storeRetry;
    private final long crashLoopLimit;
    private final DeliveryMetrics metrics;
    private final DelayParking parking;
    private final GroupedStoreCalls calls;

    DeliveryService(
            ClaimStore store,
            ProviderRegistry providers,
            JobPublisher publisher,
            Topology topology,
            WorkerProperties properties,
            TopologyProperties topologyProperties,
            StoreRetry storeRetry,
            DeliveryMetrics metrics,
            Clock clock) {
        this.metrics = metrics;
        this.store = store;
        this.providers = providers;
        this.properties = properties;
        this.clock = clock;
        this.storeRetry = storeRetry;
        // one short of the queue's own limit, so the job is failed with a reason before the broker drops it
        this.crashLoopLimit = Math.max(1, topologyProperties.deliveryLimit() - 1);
        this.parking = new DelayParking(publisher, topology);
        this.calls = new GroupedStoreCalls(store, properties, storeRetry, clock);
    }

    /** Called once the deliveries have ended (they drain on {@code ContextClosedEvent}, before beans are destroyed). */
    @PreDestroy
    void close() {
        calls.close();
    }

    /**
     * @param deliveries how many times the broker delivered this message before ({@code x-delivery-count})
     * @param channel    the channel of the queue it came from, or null when unknown
     * @param lane       which consumers took it: the high queues' have claims of their own
     */
    Disposition handle(byte[] body, long deliveries, Channel channel, Priority lane) {
        JobMessage message;
        try {
            message = JobMessage.parse(body);
        } catch (JobMessage.PoisonMessageException e) {
            log.warn("Dead-lettering a poison message: {}", e.getMessage());
            metrics.deadLettered("poison");
            return Disposition.DEAD_LETTER;
        }
        ObjectId id = new ObjectId(message.jobId());
        if (deliveries >= crashLoopLimit) {
            String reason = "dead-lettered after " + deliveries + " deliveries: its message kept failing the worker";
            storeRetry.call("fail job " + id, () -> store.failUnclaimed(id, reason, clock.instant()));
            log.warn("Job {}: {}", id, reason);
            metrics.deadLettered("crash_loop");
            return Disposition.DEAD_LETTER;
        }
        try (MDC.MDCCloseable logged = MDC.putCloseable("jobId", message.jobId())) {
            Admission.Go admitted = null;
            if (channel != null) {
                Admission admission = admit(id, providers.forChannel(channel));
                if (admission instanceof Admission.Wait wait) {
                    return waitForCapacity(message.jobId(), channel, wait);
                }
                admitted = (Admission.Go) admission; // null: nothing to send; the claim will say so
            }
            Optional<Job> claimed = calls.claim(id, lane);
            if (claimed.isEmpty()) {
                if (admitted != null) {
                    providers.forChannel(channel).release(admitted);
                }
                return notClaimed(message.jobId());
            }
            ProviderChain chain = providers.forChannel(claimed.get().type());
            if (admitted == null || claimed.get().type() != channel) {
                if (admitted != null) {
                    providers.forChannel(channel).release(admitted);
                }
                // a message from an unknown queue (or in the wrong one): the chain is asked only now. A refusal
                // then keeps the claim until its lease runs out, and the next claim counts one more attempt;
                // messages from the work queues never take this path
                Admission late = chain.admit(claimed.get().payload());
                if (late instanceof Admission.Wait wait) {
                    log.warn("Job {} claimed outside its queue and its chain is busy ({})", id, wait.reason());
                    return waitForCapacity(message.jobId(), claimed.get().type(), wait);
                }
                admitted = (Admission.Go) late;
            }
            return deliver(claimed.get(), chain, admitted);
        }
    }

    /**
     * Asks the chain; with a sender limit, the job is read first to learn its sender.
     *
     * @return null when the job is unknown or finished: there is nothing to admit, and the claim will fail
     */
    private Admission admit(ObjectId id, ProviderChain chain) {
        Map<String, Object> payload = null;
        if (chain.needsPayload()) {
            Optional<Job> job = storeRetry.call("find job " + id, () -> store.find(id.toHexString()));
            if (job.isEmpty()
                    || (job.get().status() != JobStatus.QUEUED && job.get().status() != JobStatus.PROCESSING)) {
                return null;
            }
            payload = job.get().payload();
        }
        return chain.admit(payload);
    }

    /**
     * The chain cannot take the job now: its message waits in the shortest delay tier that covers the wait,
     * the job stays queued, and no attempt is spent.
     */
    private Disposition waitForCapacity(String jobId, Channel channel, Admission.Wait wait) {
        Duration tier = parking.tierCovering(wait.delay());
        Disposition parked = parking.park(jobId, Topology.routingKey(channel), tier, wait.reason());
        if (parked == Disposition.ACK) {
            metrics.deferred(channel, wait.why().tag());
            log.debug("Job {} waits {}: {}", jobId, tier, wait.reason());
        }
        return parked;
    }

    private Disposition notClaimed(String id) {
        Optional<Job> job = storeRetry.call("find job " + id, () -> store.find(id));
        if (job.isEmpty()) {
            log.warn("Dead-lettering a message for unknown job {}", id);
            metrics.deadLettered("unknown_job");
            return Disposition.DEAD_LETTER;
        }
        if (job.get().status() == JobStatus.PROCESSING) {
            return lookAgainLater(job.get());
        }
        log.debug("Job {} is {}; dropping the duplicate message", id, job.get().status());
        metrics.duplicate(job.get().status());
        return Disposition.ACK;
    }

    /**
     * Another worker holds the claim. It may be sending right now, or it may have died: the message comes
     * back after the longest delay tier and looks again, until the job is finished or its lease has
     * expired and this message can claim it.
     */
    private Disposition lookAgainLater(Job held) {
        Duration delay = parking.lookAgain();
        Disposition parked = parking.park(
                held.idHex(), Topology.routingKey(held.type(), held.priority()), delay, "held by " + held.claimedBy());
        if (parked == Disposition.ACK) {
            log.debug(
                    "Job {} is held by {} until {}; looking again in {}",
                    held.idHex(),
                    held.claimedBy(),
                    held.leaseUntil(),
                    delay);
        }
        return parked;
    }

    private Disposition deliver(Job job, ProviderChain chain, Admission.Go admitted) {
        if (job.attempts() > properties.maxAttempts()) {
            chain.release(admitted);
            // earlier claims ended without an outcome (their workers died, or the job crashed them)
            return fail(
                    job,
                    attempt(
                            job,
                            chain.name(),
                            clock.instant(),
                            AttemptOutcome.FAILED,
                            "gave up after " + (job.attempts() - 1)
                                    + " attempts; the last ones ended without an outcome"));
        }
        DeliveryResult result;
        String provider = chain.name();
        long calling = System.nanoTime();
        try {
            ProviderChain.Answer outcome =
                    chain.send(new DeliveryRequest(job.idHex(), job.type(), job.payload(), job.attempts()), admitted);
            provider = outcome.provider();
            result = outcome.result();
        } catch (VirtualMachineError fatal) {
            if (!(fatal instanceof StackOverflowError)) {
                throw fatal; // out of memory: nothing here can be trusted; the message returns to the queue
            }
            result = new DeliveryResult.Retryable(provider + " threw " + fatal);
        } catch (Exception | Error e) {
            // one job's provider failure must not stop the consumer that serves all the others
            result = new DeliveryResult.Retryable(provider + " threw " + e);
        }
        Instant ended = clock.instant();
        boolean retryLeft = job.attempts() < properties.maxAttempts();
        AttemptOutcome outcome = result instanceof DeliveryResult.Sent
                ? AttemptOutcome.SENT
                : result instanceof DeliveryResult.Retryable && retryLeft
                        ? AttemptOutcome.RETRY
                        : AttemptOutcome.FAILED;
        metrics.providerCall(job.type(), provider, outcome.value(), Duration.ofNanos(System.nanoTime() - calling));
        metrics.delivery(job.type(), provider, outcome.value());
        return switch (result) {
            case DeliveryResult.Sent sent -> {
                Attempt attempt = attempt(job, provider, ended, AttemptOutcome.SENT, null);
                calls.record(
                        "record job " + job.idHex() + " sent",
                        ClaimOutcome.sent(job, attempt, sent.providerMessageId(), ended));
                metrics.endToEnd(job.type(), Duration.between(job.createdAt(), ended));
                log.debug("Job {} sent by {} on attempt {}", job.idHex(), provider, job.attempts());
                yield Disposition.ACK;
            }
            case DeliveryResult.Retryable retryable
            when job.attempts() < properties.maxAttempts() ->
                retryLater(
                        job,
                        attempt(job, provider, ended, AttemptOutcome.RETRY, retryable.reason()),
                        retryable.retryAfter());
            case DeliveryResult.Retryable retryable ->
                fail(
                        job,
                        attempt(
                                job,
                                provider,
                                ended,
                                AttemptOutcome.FAILED,
                                "gave up after " + job.attempts() + " attempts: " + retryable.reason()));
            case DeliveryResult.Permanent permanent ->
                fail(job, attempt(job, provider, ended, AttemptOutcome.FAILED, permanent.reason()));
        };
    }

    private Disposition retryLater(Job job, Attempt attempt, Duration retryAfter) {
        Instant now = attempt.endedAt();
        if (!calls.record("record a retry of job " + job.idHex(), ClaimOutcome.retry(job, attempt, now))) {
            return Disposition.ACK;
        }
        Duration delay = parking.retryDelay(job.attempts() + 1, retryAfter);
        // the job is queued again; if the copy is not parked, the original message brings it back now
        Disposition parked =
                parking.park(job.idHex(), Topology.routingKey(job.type(), job.priority()), delay, "retry in " + delay);
        if (parked != Disposition.ACK) {
            return parked;
        }
        metrics.retry(job.type(), delay);
        storeRetry.call("mark job " + job.idHex() + " published", () -> {
            store.markPublished(job.id(), clock.instant());
            return null;
        });
        log.info(
                "Job {} attempt {} failed ({}); next attempt in {}",
                job.idHex(),
                job.attempts(),
                attempt.error(),
                delay);
        return Disposition.ACK;
    }

    private Disposition fail(Job job, Attempt attempt) {
        calls.record("record job " + job.idHex() + " failed", ClaimOutcome.failed(job, attempt, attempt.endedAt()));
        log.warn("Job {} failed after {} attempt(s): {}", job.idHex(), job.attempts(), attempt.error());
        metrics.deadLettered("failed");
        return Disposition.DEAD_LETTER;
    }

    private Attempt attempt(Job job, String provider, Instant ended, AttemptOutcome outcome, String error) {
        return new Attempt(job.attempts(), job.claimedAt(), ended, properties.id(), provider, outcome, error);
    }
}
