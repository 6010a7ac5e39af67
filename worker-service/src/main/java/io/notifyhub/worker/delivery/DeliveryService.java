package io.notifyhub.worker.delivery;

import io.notifyhub.model.Channel;
import io.notifyhub.model.JobMessage;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.Priority;
import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.store.Attempt;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    /**
     * Outcome writes: at most this many in one bulk write, and this many bulk writes at once. Outcomes wait for
     * a write only while the store is busy with the previous ones, so the sizes bound a burst, not a steady rate.
     */
    private static final int OUTCOMES_PER_WRITE = 256;

    private static final int OUTCOME_WRITERS = 2;

    private final JobStore store;
    private final ProviderRegistry providers;
    private final JobPublisher publisher;
    private final Topology topology;
    private final WorkerProperties properties;
    private final Clock clock;
    private final StoreRetry storeRetry;
    private final long crashLoopLimit;
    private final DeliveryMetrics metrics;
    /** Claims, grouped into one store call per lane at a time: a high job's claim never waits behind normal ones. */
    private final GroupedCalls<Claim, Optional<Job>> claims;

    private final GroupedCalls<Claim, Optional<Job>> priorityClaims;
    /** Outcomes of every lane, grouped into bulk writes; true: recorded, false: the claim was lost. */
    private final GroupedCalls<JobStore.Outcome, Boolean> outcomes;

    DeliveryService(
            JobStore store,
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
        this.publisher = publisher;
        this.topology = topology;
        this.properties = properties;
        this.clock = clock;
        this.storeRetry = storeRetry;
        // one short of the queue's own limit, so the job is failed with a reason before the broker drops it
        this.crashLoopLimit = Math.max(1, topologyProperties.deliveryLimit() - 1);
        this.claims = new GroupedCalls<>("claims", properties.claimConcurrency(), 1, this::claimAll);
        this.priorityClaims = new GroupedCalls<>("priority-claims", properties.claimConcurrency(), 1, this::claimAll);
        this.outcomes = new GroupedCalls<>("outcomes", OUTCOMES_PER_WRITE, OUTCOME_WRITERS, this::recordAll);
    }

    /** Called once the deliveries have ended (they drain on {@code ContextClosedEvent}, before beans are destroyed). */
    @PreDestroy
    void close() {
        claims.close();
        priorityClaims.close();
        outcomes.close();
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
            Optional<Job> claimed = claim(id, lane == Priority.HIGH ? priorityClaims : claims);
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
     * Claims the job, with the claims of the other deliveries waiting at the same time in the same store call,
     * at most {@code claim-concurrency} in one call and one call per lane at a time. The other deliveries wait
     * here, before their job is theirs: while the store is the bottleneck, about as many jobs per worker are
     * sent but not yet recorded as there are claims at once, and those are the ones sent again if the worker
     * dies.
     */
    private Optional<Job> claim(ObjectId id, GroupedCalls<Claim, Optional<Job>> claims) {
        // one token for every try: a claim the store wrote but did not answer in time is this delivery's still
        Claim claim = new Claim(id, new ObjectId());
        return storeRetry.call("claim job " + id, () -> claims.call(claim));
    }

    /** A delivery's claim of a job, named by a token of its own. */
    private record Claim(ObjectId id, ObjectId token) {}

    /** One store call for a batch of claims; a job with two messages in it is claimed for the first only. */
    private List<Optional<Job>> claimAll(List<Claim> batch) {
        Map<ObjectId, ObjectId> tokens = new HashMap<>();
        batch.forEach(claim -> tokens.putIfAbsent(claim.id(), claim.token()));
        Map<ObjectId, Job> claimed = store.claimAll(tokens, properties.id(), clock.instant(), properties.lease());
        // a job with two messages in the batch is claimed for the first only
        return batch.stream()
                .map(claim -> claim.token().equals(tokens.get(claim.id()))
                        ? Optional.ofNullable(claimed.get(claim.id()))
                        : Optional.<Job>empty())
                .toList();
    }

    private List<Boolean> recordAll(List<JobStore.Outcome> batch) {
        Set<ObjectId> lost = store.recordAll(batch);
        return batch.stream()
                .map(outcome -> !lost.contains(outcome.claimed().id()))
                .toList();
    }

    /** Records the claim holder's outcome, in a bulk write with those of other deliveries ending at the same time. */
    private boolean record(String what, JobStore.Outcome outcome) {
        return recorded(storeRetry.call(what, () -> outcomes.call(outcome)), outcome.claimed());
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
        Duration tier = tierCovering(wait.delay());
        try {
            publisher.publish(Topology.delayName(tier), Topology.routingKey(channel), JobMessage.of(jobId));
        } catch (JobPublisher.PublishException e) {
            log.warn("Could not park job {} while {}: {}; requeueing it", jobId, wait.reason(), e.getMessage());
            return Disposition.REQUEUE;
        }
        metrics.deferred(channel, wait.why().tag());
        log.debug("Job {} waits {}: {}", jobId, tier, wait.reason());
        return Disposition.ACK;
    }

    /** The shortest delay tier at least {@code wait} long (the longest tier when none is; the shortest for null). */
    private Duration tierCovering(Duration wait) {
        List<Duration> tiers = topology.delayTiers().stream().sorted().toList();
        if (wait == null) {
            return tiers.getFirst();
        }
        return tiers.stream()
                .filter(tier -> tier.compareTo(wait) >= 0)
                .findFirst()
                .orElse(tiers.getLast());
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
        Duration delay = topology.delayTiers().getLast();
        try {
            publisher.publish(
                    Topology.delayName(delay),
                    Topology.routingKey(held.type(), held.priority()),
                    JobMessage.of(held.idHex()));
        } catch (JobPublisher.PublishException e) {
            log.warn("Could not park the message of job {}: {}; requeueing it", held.idHex(), e.getMessage());
            return Disposition.REQUEUE;
        }
        log.debug(
                "Job {} is held by {} until {}; looking again in {}",
                held.idHex(),
                held.claimedBy(),
                held.leaseUntil(),
                delay);
        return Disposition.ACK;
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
                            Attempt.FAILED,
                            "gave up after " + (job.attempts() - 1)
                                    + " attempts; the last ones ended without an outcome"));
        }
        DeliveryResult result;
        String provider = chain.name();
        long calling = System.nanoTime();
        try {
            ProviderChain.Outcome outcome =
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
        String outcome = switch (result) {
            case DeliveryResult.Sent sent -> Attempt.SENT;
            case DeliveryResult.Retryable retryable when job.attempts() < properties.maxAttempts() -> Attempt.RETRY;
            default -> Attempt.FAILED;
        };
        metrics.providerCall(job.type(), provider, outcome, Duration.ofNanos(System.nanoTime() - calling));
        metrics.delivery(job.type(), provider, outcome);
        return switch (result) {
            case DeliveryResult.Sent sent -> {
                Attempt attempt = attempt(job, provider, ended, Attempt.SENT, null);
                record(
                        "record job " + job.idHex() + " sent",
                        JobStore.Outcome.sent(job, attempt, sent.providerMessageId(), ended));
                metrics.endToEnd(job.type(), Duration.between(job.createdAt(), ended));
                log.debug("Job {} sent by {} on attempt {}", job.idHex(), provider, job.attempts());
                yield Disposition.ACK;
            }
            case DeliveryResult.Retryable retryable
            when job.attempts() < properties.maxAttempts() ->
                retryLater(
                        job, attempt(job, provider, ended, Attempt.RETRY, retryable.reason()), retryable.retryAfter());
            case DeliveryResult.Retryable retryable ->
                fail(
                        job,
                        attempt(
                                job,
                                provider,
                                ended,
                                Attempt.FAILED,
                                "gave up after " + job.attempts() + " attempts: " + retryable.reason()));
            case DeliveryResult.Permanent permanent ->
                fail(job, attempt(job, provider, ended, Attempt.FAILED, permanent.reason()));
        };
    }

    private Disposition retryLater(Job job, Attempt attempt, Duration retryAfter) {
        Instant now = attempt.endedAt();
        if (!record("record a retry of job " + job.idHex(), JobStore.Outcome.retry(job, attempt, now))) {
            return Disposition.ACK;
        }
        Duration delay = topology.delayBefore(job.attempts() + 1);
        if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
            delay = tierCovering(retryAfter); // the provider asked for a longer wait (429 Retry-After)
        }
        try {
            publisher.publish(
                    Topology.delayName(delay),
                    Topology.routingKey(job.type(), job.priority()),
                    JobMessage.of(job.idHex()));
        } catch (JobPublisher.PublishException e) {
            // the job is queued again; the original message brings it back now rather than after the delay
            log.warn("Could not park job {} for {}: {}; requeueing it", job.idHex(), delay, e.getMessage());
            return Disposition.REQUEUE;
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
        record("record job " + job.idHex() + " failed", JobStore.Outcome.failed(job, attempt, attempt.endedAt()));
        log.warn("Job {} failed after {} attempt(s): {}", job.idHex(), job.attempts(), attempt.error());
        metrics.deadLettered("failed");
        return Disposition.DEAD_LETTER;
    }

    private Attempt attempt(Job job, String provider, Instant ended, String outcome, String error) {
        return new Attempt(job.attempts(), job.claimedAt(), ended, properties.id(), provider, outcome, error);
    }

    /** A write that matched nothing means the lease expired and another worker claimed the job. */
    private static boolean recorded(boolean written, Job job) {
        if (!written) {
            log.warn("Lost the claim on job {} (attempt {}) before recording its outcome", job.idHex(), job.attempts());
        }
        return written;
    }
}
