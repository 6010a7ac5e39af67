package io.notifyhub.worker.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobMessage;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.Priority;
import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.store.Attempt;
import io.notifyhub.model.store.AttemptOutcome;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.topology.Topology;
import io.notifyhub.model.topology.TopologyProperties;
import io.notifyhub.worker.config.WorkerProperties;
import io.notifyhub.worker.provider.DeliveryRequest;
import io.notifyhub.worker.provider.DeliveryResult;
import io.notifyhub.worker.provider.NotificationProvider;
import io.notifyhub.worker.provider.ProviderRegistry;
import io.notifyhub.worker.provider.chain.ResilienceProperties;
import io.notifyhub.worker.support.SettableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * The worker's decisions for one message, without servers: a fake store with the store's claim rules, a publisher
 * that records what it would park, a provider that answers as told, and a clock the test sets. Run alone with
 * {@code ./mvnw test -pl worker-service -Dgroups=fast}.
 */
@Tag("fast")
class DeliveryDecisionTests {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(2);
    private static final List<Duration> TIERS =
            List.of(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(25));
    private static final int MAX_ATTEMPTS = 3;

    private final SettableClock clock = new SettableClock(START);
    private final FakeClaimStore store = new FakeClaimStore();
    private final ParkingLot publisher = new ParkingLot();
    private final Answering provider = new Answering();
    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final WorkerProperties properties = new WorkerProperties(
            "worker-1",
            List.of(Channel.values()),
            MAX_ATTEMPTS,
            LEASE,
            Stream.of(Channel.values())
                    .collect(Collectors.toMap(channel -> channel, channel -> List.of(Answering.NAME))),
            Duration.ofMillis(10),
            Duration.ofSeconds(20),
            4,
            256,
            32,
            16,
            Duration.ofMinutes(1));
    private final TopologyProperties topologyProperties = new TopologyProperties(TIERS, 20, 1_000_000);
    private final DeliveryService service = new DeliveryService(
            store,
            new ProviderRegistry(
                    List.of(provider),
                    properties,
                    breakers,
                    BulkheadRegistry.ofDefaults(),
                    new ResilienceProperties(null, null, null, null, null),
                    null),
            publisher,
            new Topology(topologyProperties),
            properties,
            topologyProperties,
            new StoreRetry(properties),
            new DeliveryMetrics(meters),
            clock);

    @AfterEach
    void close() {
        service.close();
    }

    @Test
    void shouldRecordASentJobAndAckItsMessage() {
        Job job = queued();
        provider.answer(request -> new DeliveryResult.Sent("m-1"));

        assertThat(handle(job)).isEqualTo(Disposition.ACK);

        Job sent = store.get(job);
        assertThat(sent.status()).isEqualTo(JobStatus.SENT);
        assertThat(sent.attempts()).isEqualTo(1);
        assertThat(sent.claimedBy()).isNull();
        assertThat(sent.history()).extracting(Attempt::outcome).containsExactly(AttemptOutcome.SENT);
        assertThat(sent.history().getFirst().worker()).isEqualTo("worker-1");
        assertThat(sent.history().getFirst().endedAt()).isEqualTo(START);
        assertThat(publisher.parked).isEmpty();
        assertThat(deliveries("sent")).isEqualTo(1);
    }

    @Test
    void shouldPutARetryableFailureBackAndParkItsMessageForTheBackoffOfTheNextAttempt() {
        Job job = queued();
        provider.answer(request -> new DeliveryResult.Retryable("503", null));
        clock.advance(Duration.ofSeconds(7));

        assertThat(handle(job)).isEqualTo(Disposition.ACK);

        Job waiting = store.get(job);
        assertThat(waiting.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(waiting.attempts()).isEqualTo(1);
        assertThat(waiting.error()).isEqualTo("503");
        assertThat(waiting.history()).extracting(Attempt::outcome).containsExactly(AttemptOutcome.RETRY);
        Duration backoff = new Topology(topologyProperties).delayBefore(2);
        assertThat(publisher.parked)
                .containsExactly(
                        new Parked(Topology.delayName(backoff), Topology.routingKey(Channel.EMAIL), job.idHex()));
        assertThat(waiting.publishedAt())
                .as("the parked copy is the job's message now")
                .isEqualTo(clock.instant());
        assertThat(meters.get("notifyhub.retries")
                        .tag("tier", backoff.toString())
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void shouldWaitTheTierCoveringARetryAfterLongerThanTheBackoff() {
        Job job = queued();
        provider.answer(request -> new DeliveryResult.Retryable("429", Duration.ofSeconds(20)));

        assertThat(handle(job)).isEqualTo(Disposition.ACK);

        assertThat(publisher.parked).extracting(Parked::exchange).containsExactly(Topology.delayName(TIERS.get(2)));
    }

    @Test
    void shouldRequeueTheMessageWhenTheRetryCannotBeParked() {
        Job job = queued();
        provider.answer(request -> new DeliveryResult.Retryable("503", null));
        publisher.refuse = true;

        assertThat(handle(job)).isEqualTo(Disposition.REQUEUE);

        Job waiting = store.get(job);
        assertThat(waiting.status()).as("the retry is recorded all the same").isEqualTo(JobStatus.QUEUED);
        assertThat(waiting.publishedAt())
                .as("no parked copy: the requeued message is its message")
                .isNull();
    }

    @Test
    void shouldFailAndDeadLetterAfterTheLastAttemptFails() {
        Job job = queued();
        provider.answer(request -> new DeliveryResult.Retryable("503", null));
        for (int attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
            assertThat(handle(job)).isEqualTo(Disposition.ACK);
        }

        assertThat(handle(job)).isEqualTo(Disposition.DEAD_LETTER);

        Job failed = store.get(job);
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.attempts()).isEqualTo(MAX_ATTEMPTS);
        assertThat(failed.error()).isEqualTo("gave up after 3 attempts: 503");
        assertThat(failed.history())
                .extracting(Attempt::outcome)
                .containsExactly(AttemptOutcome.RETRY, AttemptOutcome.RETRY, AttemptOutcome.FAILED);
        assertThat(publisher.parked).hasSize(MAX_ATTEMPTS - 1);
        assertThat(deadLetters("failed")).isEqualTo(1);
    }

    @Test
    void shouldFailAtOnceOnAPermanentFailure() {
        Job job = queued();
        provider.answer(request -> new DeliveryResult.Permanent("mailbox unknown"));

        assertThat(handle(job)).isEqualTo(Disposition.DEAD_LETTER);

        Job failed = store.get(job);
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.attempts()).isEqualTo(1);
        assertThat(failed.error()).isEqualTo("mailbox unknown");
        assertThat(publisher.parked).isEmpty();
    }

    @Test
    void shouldParkTheMessageWithoutClaimingWhileTheBreakerIsOpen() {
        Job job = queued();
        provider.answer(request -> new DeliveryResult.Sent("m-1"));
        breakers.circuitBreaker(Answering.NAME).transitionToOpenState();

        assertThat(handle(job)).isEqualTo(Disposition.ACK);

        Job untouched = store.get(job);
        assertThat(untouched.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(untouched.attempts()).as("an open breaker spends no attempt").isZero();
        assertThat(provider.calls).isEmpty();
        assertThat(publisher.parked)
                .as("an open breaker has no known wait: the shortest tier")
                .containsExactly(new Parked(
                        Topology.delayName(TIERS.getFirst()), Topology.routingKey(Channel.EMAIL), job.idHex()));
        assertThat(meters.get("notifyhub.deferred")
                        .tag("reason", "providers_unavailable")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void shouldRequeueWhileTheBreakerIsOpenAndTheMessageCannotBeParked() {
        Job job = queued();
        breakers.circuitBreaker(Answering.NAME).transitionToOpenState();
        publisher.refuse = true;

        assertThat(handle(job)).isEqualTo(Disposition.REQUEUE);
        assertThat(store.get(job).attempts()).isZero();
    }

    @Test
    void shouldDropADuplicateMessageOfAFinishedJob() {
        Job job = queued();
        provider.answer(request -> new DeliveryResult.Sent("m-1"));
        handle(job);

        assertThat(handle(job)).isEqualTo(Disposition.ACK);

        assertThat(provider.calls).as("sent once").hasSize(1);
        assertThat(store.get(job).history()).hasSize(1);
        assertThat(meters.get("notifyhub.duplicate.messages")
                        .tag("status", "sent")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void shouldLookAgainLaterAtAJobAnotherWorkerHolds() {
        Job job = queued();
        store.claimAll(Map.of(job.id(), new ObjectId()), "worker-2", clock.instant(), LEASE);

        assertThat(handle(job)).isEqualTo(Disposition.ACK);

        assertThat(provider.calls).isEmpty();
        assertThat(store.get(job).claimedBy()).isEqualTo("worker-2");
        assertThat(publisher.parked)
                .as("back after the longest tier")
                .containsExactly(new Parked(
                        Topology.delayName(TIERS.getLast()), Topology.routingKey(Channel.EMAIL), job.idHex()));
    }

    @Test
    void shouldNotRecordALateOutcomeOnceAnotherWorkerTookTheJobOver() {
        Job job = queued();
        provider.answer(request -> {
            // the send outlasts the lease, and another worker claims the job meanwhile
            clock.advance(LEASE.plusSeconds(1));
            store.claimAll(Map.of(job.id(), new ObjectId()), "worker-2", clock.instant(), LEASE);
            return new DeliveryResult.Sent("m-late");
        });

        assertThat(handle(job)).isEqualTo(Disposition.ACK);

        Job held = store.get(job);
        assertThat(held.status()).isEqualTo(JobStatus.PROCESSING);
        assertThat(held.claimedBy()).isEqualTo("worker-2");
        assertThat(held.attempts()).isEqualTo(2);
        assertThat(held.history()).as("the late outcome is not recorded").isEmpty();
    }

    @Test
    void shouldFailAJobWhoseEarlierClaimsAllEndedWithoutAnOutcome() {
        Job job = queued();
        for (int claim = 0; claim < MAX_ATTEMPTS; claim++) {
            store.claimAll(Map.of(job.id(), new ObjectId()), "crashed", clock.instant(), LEASE);
            clock.advance(LEASE.plusSeconds(1));
        }

        assertThat(handle(job)).isEqualTo(Disposition.DEAD_LETTER);

        Job failed = store.get(job);
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error()).isEqualTo("gave up after 3 attempts; the last ones ended without an outcome");
        assertThat(provider.calls).isEmpty();
    }

    @Test
    void shouldFailAJobWhoseMessageKeepsCrashingTheWorker() {
        Job job = queued();

        assertThat(service.handle(body(job.idHex()), 19, Channel.EMAIL, Priority.NORMAL))
                .isEqualTo(Disposition.DEAD_LETTER);

        assertThat(store.get(job).status()).isEqualTo(JobStatus.FAILED);
        assertThat(store.get(job).error()).startsWith("dead-lettered after 19 deliveries");
        assertThat(deadLetters("crash_loop")).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterPoisonAndUnknownJobMessages() {
        assertThat(service.handle("not json".getBytes(StandardCharsets.UTF_8), 0, Channel.EMAIL, Priority.NORMAL))
                .isEqualTo(Disposition.DEAD_LETTER);
        assertThat(service.handle(body(new ObjectId().toHexString()), 0, Channel.EMAIL, Priority.NORMAL))
                .isEqualTo(Disposition.DEAD_LETTER);
        assertThat(deadLetters("poison")).isEqualTo(1);
        assertThat(deadLetters("unknown_job")).isEqualTo(1);
    }

    private Job queued() {
        Job job = Job.queued(Channel.EMAIL, Map.of("recipient", "a@example.com", "subject", "s", "body", "b"), START);
        store.put(job);
        return job;
    }

    private Disposition handle(Job job) {
        return service.handle(body(job.idHex()), 0, Channel.EMAIL, Priority.NORMAL);
    }

    private static byte[] body(String jobId) {
        return JobMessage.of(jobId).toBytes();
    }

    private double deliveries(String outcome) {
        return meters.get("notifyhub.deliveries")
                .tag("outcome", outcome)
                .counter()
                .count();
    }

    private double deadLetters(String reason) {
        return meters.get("notifyhub.dead.letters")
                .tag("reason", reason)
                .counter()
                .count();
    }

    /** A message published to a delay queue. */
    record Parked(String exchange, String routingKey, String jobId) {}

    /** The broker as the worker's publisher sees it: it takes every message, or (when told) none. */
    static final class ParkingLot extends JobPublisher {
        final List<Parked> parked = new CopyOnWriteArrayList<>();
        volatile boolean refuse;

        ParkingLot() {
            super(new RabbitTemplate(), Duration.ofSeconds(1));
        }

        @Override
        public void publish(String exchange, String routingKey, JobMessage message) {
            if (refuse) {
                throw new JobPublisher.PublishException("the broker is not taking messages (the test's)");
            }
            parked.add(new Parked(exchange, routingKey, message.jobId()));
        }
    }

    /** A provider that answers as the test says. */
    static final class Answering implements NotificationProvider {
        static final String NAME = "answering";
        final List<String> calls = new ArrayList<>();
        private volatile Function<DeliveryRequest, DeliveryResult> answer = request -> new DeliveryResult.Sent("m");

        void answer(Function<DeliveryRequest, DeliveryResult> answer) {
            this.answer = answer;
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Set<Channel> channels() {
            return EnumSet.allOf(Channel.class);
        }

        @Override
        public DeliveryResult send(DeliveryRequest request) {
            calls.add(request.jobId());
            return answer.apply(request);
        }
    }
}
