package io.notifyhub.worker.provider.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobMessage;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.Priority;
import io.notifyhub.model.store.Attempt;
import io.notifyhub.model.store.AttemptOutcome;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.topology.Topology;
import io.notifyhub.worker.provider.DeliveryResult;
import io.notifyhub.worker.support.ScriptedProvider;
import io.notifyhub.worker.support.WorkerIntegrationTest;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Provider chains in the running worker, on the real RabbitMQ and MongoDB-wire server: email goes over SMTP
 * to GreenMail with a per-sender limit, sms fails over from {@code flaky} to {@code scripted}, and push goes
 * through {@code throttled}, which has a provider rate limit.
 */
@TestPropertySource(
        properties = {
            "notifyhub.worker.providers.email=smtp",
            "notifyhub.worker.providers.sms=flaky,scripted",
            "notifyhub.worker.providers.push=throttled",
            "notifyhub.providers.smtp.message-id-domain=notifyhub.test",
            "notifyhub.worker.resilience.breaker.window=2",
            "notifyhub.worker.resilience.breaker.minimum-calls=2",
            // long enough that no half-open probe comes before a test has its provider recover (2 s was not, once)
            "notifyhub.worker.resilience.breaker.open-for=3s",
            "notifyhub.worker.resilience.breaker.half-open-calls=1",
            "notifyhub.worker.resilience.provider-limits.throttled.permits=2",
            "notifyhub.worker.resilience.provider-limits.throttled.per=2s",
            "notifyhub.worker.resilience.sender-limits.email.permits=2",
            "notifyhub.worker.resilience.sender-limits.email.per=1h"
        })
@Import(ChainDeliveryTests.MoreProviders.class)
class ChainDeliveryTests extends WorkerIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final GreenMail mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());

    static {
        mail.start();
    }

    @Autowired
    @Qualifier("flaky")
    private ScriptedProvider flaky;

    @Autowired
    @Qualifier("throttled")
    private ScriptedProvider throttled;

    @Autowired
    private CircuitBreakerRegistry breakers;

    @Autowired
    private MeterRegistry meters;

    @DynamicPropertySource
    static void smtp(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> mail.getSmtp().getPort());
    }

    @BeforeEach
    void resetChains() throws Exception {
        flaky.reset();
        flaky.alwaysAnswer(new DeliveryResult.Retryable("flaky is down"));
        throttled.reset();
        breakers.getAllCircuitBreakers().forEach(CircuitBreaker::reset);
        mongo.remove(new Query(), io.notifyhub.model.ratelimit.MongoBucketProxyManager.COLLECTION);
        mail.purgeEmailFromAllMailboxes();
    }

    @Test
    void shouldSendAnEmailOverSmtpWithAMessageIdFromTheJobId() {
        Job job = store.insert(Job.queued(
                Channel.EMAIL,
                Map.of(
                        "recipient",
                        "ada@example.com",
                        "subject",
                        "Hi",
                        "body",
                        "Hello over SMTP",
                        "from",
                        "team@notifyhub.test"),
                Instant.now()));

        publish(job);

        await().atMost(PATIENCE).until(() -> statusOf(job) == JobStatus.SENT);
        Job sent = reload(job);
        assertThat(sent.provider()).isEqualTo("smtp");
        assertThat(sent.providerMessageId()).isEqualTo("<" + job.idHex() + "@notifyhub.test>");
        assertThat(mail.getReceivedMessages()).singleElement().satisfies(message -> {
            assertThat(message.getMessageID()).isEqualTo(sent.providerMessageId());
            assertThat(message.getSubject()).isEqualTo("Hi");
        });
    }

    @Test
    void shouldHoldASendersJobsOverItsLimitWithoutFailingThemOrSpendingAttempts() throws Exception {
        List<Job> fromAda =
                List.of(email("ada@notifyhub.test"), email("ada@notifyhub.test"), email("ada@notifyhub.test"));
        Job fromBob = email("bob@notifyhub.test");

        fromAda.forEach(this::publish);
        publish(fromBob);

        await().atMost(PATIENCE).until(() -> mail.getReceivedMessages().length == 3);
        await().during(Duration.ofSeconds(2)).atMost(PATIENCE).until(() -> mail.getReceivedMessages().length == 3);
        assertThat(statusOf(fromBob)).isEqualTo(JobStatus.SENT);
        assertThat(fromAda.stream().map(this::reload).map(Job::status))
                .containsExactlyInAnyOrder(JobStatus.SENT, JobStatus.SENT, JobStatus.QUEUED);
        Job held = fromAda.stream()
                .map(this::reload)
                .filter(j -> j.status() == JobStatus.QUEUED)
                .findFirst()
                .orElseThrow();
        assertThat(held.attempts()).as("waiting spends no attempt").isZero();
        assertThat(held.history()).isEmpty();
        assertThat(Arrays.stream(mail.getReceivedMessages()).map(ChainDeliveryTests::from))
                .containsExactlyInAnyOrder("ada@notifyhub.test", "ada@notifyhub.test", "bob@notifyhub.test");
        assertThat(meters.counter("notifyhub.deferred", "channel", "email", "reason", "sender_limit")
                        .count())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void shouldFailOverToTheNextProviderAndRecordWhichOneSent() {
        Job job = storedJob(Channel.SMS);

        publish(job);

        await().atMost(PATIENCE).until(() -> statusOf(job) == JobStatus.SENT);
        Job sent = reload(job);
        assertThat(sent.attempts()).as("failover happens within one attempt").isEqualTo(1);
        assertThat(sent.provider()).isEqualTo(ScriptedProvider.NAME);
        assertThat(sent.providerMessageId()).isEqualTo("scripted-" + job.idHex() + "-1");
        assertThat(flaky.calls(job.idHex())).hasSize(1);
    }

    @Test
    void shouldStopCallingAnOpenProviderAndExportItsBreakerState() {
        Job first = storedJob(Channel.SMS);
        Job second = storedJob(Channel.SMS);
        publish(first);
        await().atMost(PATIENCE).until(() -> statusOf(first) == JobStatus.SENT);
        publish(second);
        await().atMost(PATIENCE).until(() -> statusOf(second) == JobStatus.SENT);
        assertThat(breakers.circuitBreaker("flaky").getState()).isEqualTo(CircuitBreaker.State.OPEN);
        Job third = storedJob(Channel.SMS);

        publish(third);

        await().atMost(PATIENCE).until(() -> statusOf(third) == JobStatus.SENT);
        assertThat(flaky.calls(third.idHex())).as("skipped while open").isEmpty();
        assertThat(reload(third).provider()).isEqualTo(ScriptedProvider.NAME);
        assertThat(meters.get("resilience4j.circuitbreaker.state")
                        .tags("name", "flaky", "state", "open")
                        .gauge()
                        .value())
                .isEqualTo(1.0);
    }

    @Test
    void shouldKeepJobsWaitingWhileEveryProviderIsOpenAndSendThemOnceOneRecovers() {
        provider.alwaysAnswer(new DeliveryResult.Retryable("scripted is down too"));
        Job first = storedJob(Channel.SMS);
        Job second = storedJob(Channel.SMS);
        publish(first);
        publish(second);
        await().atMost(PATIENCE)
                .until(() -> breakers.circuitBreaker("flaky").getState() == CircuitBreaker.State.OPEN
                        && breakers.circuitBreaker(ScriptedProvider.NAME).getState() == CircuitBreaker.State.OPEN);
        Job waiting = storedJob(Channel.SMS);
        Job high = store.insert(Job.queued(Channel.SMS, Map.of("phone", "+14155550123", "message", "Hi"), Instant.now())
                .withPriority(Priority.HIGH));

        publish(waiting);
        publishRaw(
                Topology.routingKey(Channel.SMS, Priority.HIGH),
                JobMessage.of(high.idHex()).toBytes());

        // the chain is asked before the claim, for the high queue's messages too: no attempt spent
        await().during(Duration.ofMillis(700))
                .atMost(PATIENCE)
                .until(() -> reload(waiting).attempts() == 0
                        && statusOf(waiting) == JobStatus.QUEUED
                        && reload(high).attempts() == 0
                        && statusOf(high) == JobStatus.QUEUED);
        provider.alwaysAnswer(null); // scripted recovers; its half-open probe closes the breaker
        await().atMost(PATIENCE).until(() -> statusOf(waiting) == JobStatus.SENT && statusOf(high) == JobStatus.SENT);
        assertThat(reload(high).attempts()).isEqualTo(1);
        await().atMost(PATIENCE).until(() -> statusOf(first) == JobStatus.SENT && statusOf(second) == JobStatus.SENT);
        assertThat(reload(waiting).attempts()).isEqualTo(1);
        assertThat(reload(first).history())
                .extracting(Attempt::outcome)
                .endsWith(AttemptOutcome.SENT)
                .doesNotContain(AttemptOutcome.FAILED);
        assertThat(drainDeadLetters(1, Duration.ofMillis(300)))
                .as("nothing failed")
                .isEmpty();
    }

    @Test
    void shouldSpreadAThrottledProvidersJobsOverTimeWithoutSpendingAttempts() {
        List<Job> jobs = List.of(
                storedJob(Channel.PUSH),
                storedJob(Channel.PUSH),
                storedJob(Channel.PUSH),
                storedJob(Channel.PUSH),
                storedJob(Channel.PUSH));

        jobs.forEach(this::publish);

        await().atMost(PATIENCE).until(() -> jobs.stream().allMatch(j -> statusOf(j) == JobStatus.SENT));
        assertThat(jobs).allSatisfy(job -> assertThat(reload(job).attempts()).isEqualTo(1));
        List<Instant> calls = jobs.stream()
                .map(j -> throttled.calls(j.idHex()).getFirst())
                .sorted()
                .toList();
        // 2 at once, then one every second: the fifth send is at least ~3 s after the first
        assertThat(Duration.between(calls.getFirst(), calls.getLast()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(2_900));
    }

    private Job email(String from) {
        return store.insert(Job.queued(
                Channel.EMAIL,
                Map.of("recipient", "someone@example.com", "subject", "Hi", "body", "Hello", "from", from),
                Instant.now()));
    }

    private static String from(MimeMessage message) {
        try {
            return ((jakarta.mail.internet.InternetAddress) message.getFrom()[0]).getAddress();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class MoreProviders {
        @Bean
        ScriptedProvider flaky() {
            return new ScriptedProvider("flaky");
        }

        @Bean
        ScriptedProvider throttled() {
            return new ScriptedProvider("throttled");
        }
    }
}
