package io.notifyhub.worker.provider.chain;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.notifyhub.localstack.TestInfrastructure;
import io.notifyhub.model.Channel;
import io.notifyhub.worker.provider.DeliveryRequest;
import io.notifyhub.worker.provider.DeliveryResult;
import io.notifyhub.worker.support.ScriptedProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.MongoTemplate;

/** The chain's failover and its breakers, with scripted providers (the breakers are real Resilience4j). */
class ProviderChainTests {

    private final ScriptedProvider primary = new ScriptedProvider("primary");
    private final ScriptedProvider fallback = new ScriptedProvider("fallback");
    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
            .slidingWindowSize(4)
            .minimumNumberOfCalls(4)
            .failureRateThreshold(50)
            .slowCallDurationThreshold(Duration.ofMillis(100))
            .slowCallRateThreshold(50)
            .waitDurationInOpenState(Duration.ofMillis(300))
            .permittedNumberOfCallsInHalfOpenState(1)
            .build());
    private final ProviderChain chain = new ProviderChain(
            Channel.SMS,
            List.of(
                    new ProviderChain.Link(primary, breakers.circuitBreaker("primary")),
                    new ProviderChain.Link(fallback, breakers.circuitBreaker("fallback"))),
            new ResilienceProperties(null, null, null, null, null),
            null);

    @Test
    void shouldMoveOnToTheNextProviderAfterARetryableFailure() {
        primary.alwaysAnswer(new DeliveryResult.Retryable("503"));

        ProviderChain.Answer outcome = send("job-1");

        assertThat(outcome.provider()).isEqualTo("fallback");
        assertThat(outcome.result()).isInstanceOf(DeliveryResult.Sent.class);
        assertThat(primary.calls("job-1")).hasSize(1);
    }

    @Test
    void shouldStopAtAPermanentFailure() {
        primary.alwaysAnswer(new DeliveryResult.Permanent("invalid number"));

        ProviderChain.Answer outcome = send("job-1");

        assertThat(outcome.provider()).isEqualTo("primary");
        assertThat(outcome.result()).isInstanceOf(DeliveryResult.Permanent.class);
        assertThat(fallback.calls("job-1")).isEmpty();
    }

    @Test
    void shouldSkipAProviderWhoseBreakerOpenedAndProbeItAgainLater() throws InterruptedException {
        primary.alwaysAnswer(new DeliveryResult.Retryable("503"));
        for (int i = 0; i < 4; i++) {
            send("failing-" + i);
        }
        assertThat(breakers.circuitBreaker("primary").getState()).isEqualTo(CircuitBreaker.State.OPEN);

        assertThat(send("while-open").provider()).isEqualTo("fallback");
        assertThat(primary.calls("while-open")).as("not even tried").isEmpty();

        primary.alwaysAnswer(null); // the provider recovered
        Thread.sleep(350);
        ProviderChain.Answer probe = send("probe");

        assertThat(probe.provider()).isEqualTo("primary");
        assertThat(breakers.circuitBreaker("primary").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void shouldOpenOnSlowCalls() {
        primary.latency(Duration.ofMillis(120));
        for (int i = 0; i < 4; i++) {
            assertThat(send("slow-" + i).result()).isInstanceOf(DeliveryResult.Sent.class);
        }

        assertThat(breakers.circuitBreaker("primary").getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(send("next").provider()).isEqualTo("fallback");
    }

    @Test
    void shouldTellTheCallerToWaitWhenEveryBreakerIsOpen() {
        breakers.circuitBreaker("primary").transitionToOpenState();
        breakers.circuitBreaker("fallback").transitionToOpenState();

        Admission admission = chain.admit(Map.of());

        assertThat(admission)
                .isInstanceOfSatisfying(
                        Admission.Wait.class, wait -> assertThat(wait.reason()).contains("primary>fallback"));
    }

    @Test
    void shouldMakeNoMoreCallsAtOnceToAProviderThanItsBulkheadAllows() throws Exception {
        primary.latency(Duration.ofMillis(300));
        Bulkhead two = Bulkhead.of(
                "primary",
                BulkheadConfig.custom()
                        .maxConcurrentCalls(2)
                        .maxWaitDuration(Duration.ofSeconds(5))
                        .build());
        Bulkhead brief = Bulkhead.of(
                "fallback",
                BulkheadConfig.custom()
                        .maxConcurrentCalls(1)
                        .maxWaitDuration(Duration.ofMillis(50))
                        .build());
        ProviderChain capped = new ProviderChain(
                Channel.SMS,
                List.of(new ProviderChain.Link(primary, breakers.circuitBreaker("primary"), Optional.of(two))),
                new ResilienceProperties(null, null, null, null, null),
                null);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ProviderChain.Answer>> sends = IntStream.range(0, 6)
                    .mapToObj(i -> threads.submit(
                            () -> capped.send(new DeliveryRequest("job-" + i, Channel.SMS, Map.of(), 1), (Admission.Go)
                                    capped.admit(null))))
                    .toList();
            for (Future<ProviderChain.Answer> send : sends) {
                assertThat(send.get().result()).isInstanceOf(DeliveryResult.Sent.class);
            }
        }
        assertThat(primary.mostAtOnce()).as("calls at once").isEqualTo(2);

        // a provider whose calls stay taken longer than the wait: the attempt is retryable, and not its fault
        fallback.latency(Duration.ofMillis(500));
        ProviderChain full = new ProviderChain(
                Channel.SMS,
                List.of(new ProviderChain.Link(fallback, breakers.circuitBreaker("fallback"), Optional.of(brief))),
                new ResilienceProperties(null, null, null, null, null),
                null);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<ProviderChain.Answer> first = threads.submit(() ->
                    full.send(new DeliveryRequest("slow", Channel.SMS, Map.of(), 1), (Admission.Go) full.admit(null)));
            Thread.sleep(100);
            ProviderChain.Answer refused = full.send(
                    new DeliveryRequest("refused", Channel.SMS, Map.of(), 1), (Admission.Go) full.admit(null));
            assertThat(refused.result()).isInstanceOf(DeliveryResult.Retryable.class);
            assertThat(((DeliveryResult.Retryable) refused.result()).reason()).contains("1 calls running");
            assertThat(fallback.calls("refused")).as("no call made").isEmpty();
            assertThat(first.get().result()).isInstanceOf(DeliveryResult.Sent.class);
        }
        assertThat(breakers.circuitBreaker("fallback").getMetrics().getNumberOfFailedCalls())
                .as("the breaker saw no failure")
                .isZero();
    }

    @Test
    void shouldNotSpendASendersPermitWhileNoProviderCanTakeTheJob() {
        try (MongoClient client = MongoClients.create(TestInfrastructure.mongoUri())) {
            SharedRateLimiter limiter = new SharedRateLimiter(new MongoTemplate(client, "notifyhub"));
            ResilienceProperties oneAnHour = new ResilienceProperties(
                    null,
                    null,
                    Map.of(Channel.SMS, new ResilienceProperties.SenderLimit(1, Duration.ofHours(1), "from")),
                    null,
                    null);
            ProviderChain limited = new ProviderChain(
                    Channel.SMS,
                    List.of(
                            new ProviderChain.Link(primary, breakers.circuitBreaker("primary")),
                            new ProviderChain.Link(fallback, breakers.circuitBreaker("fallback"))),
                    oneAnHour,
                    limiter);
            Map<String, Object> payload = Map.of("from", "sender-" + System.nanoTime());
            breakers.circuitBreaker("primary").transitionToOpenState();
            breakers.circuitBreaker("fallback").transitionToOpenState();

            assertThat(limited.admit(payload)).isInstanceOf(Admission.Wait.class);

            breakers.getAllCircuitBreakers().forEach(CircuitBreaker::reset);
            assertThat(limited.admit(payload)).as("the permit was kept").isEqualTo(new Admission.Go(0));
            assertThat(limited.admit(payload)).isInstanceOfSatisfying(Admission.Wait.class, wait -> {
                assertThat(wait.reason()).contains("over its limit of 1 per PT1H");
                assertThat(wait.delay()).isGreaterThan(Duration.ofMinutes(59));
            });
        }
    }

    private ProviderChain.Answer send(String jobId) {
        Admission.Go go = (Admission.Go) chain.admit(Map.of());
        return chain.send(
                new DeliveryRequest(jobId, Channel.SMS, Map.of("phone", "+14155550123", "message", "hi"), 1), go);
    }
}
