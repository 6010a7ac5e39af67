package io.notifyhub.model.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.notifyhub.localstack.TestInfrastructure;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The webhook outbox and the re-queue of dead letters, on a MongoDB-wire server over TCP. */
@SpringBootTest(classes = JobStoreTests.StoreOnly.class)
class CallbackAndRequeueStoreTests {

    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(2);
    private static final String HOOK = "https://hooks.example.com/notifyhub";

    @Autowired
    JobStore store;

    @Autowired
    MongoTemplate mongo;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", TestInfrastructure::mongoUri);
        registry.add("spring.rabbitmq.addresses", TestInfrastructure::rabbitAddresses);
    }

    @BeforeEach
    void empty() {
        mongo.remove(new Query(), Job.class);
    }

    private Job insert(String callbackUrl) {
        return store.insert(
                Job.queued(Channel.EMAIL, Map.of("recipient", "a@b.co"), NOW).withCallback(callbackUrl));
    }

    private Job failed(String callbackUrl) {
        Job claimed = store.claim(insert(callbackUrl).id(), "w", NOW, LEASE).orElseThrow();
        Attempt attempt = new Attempt(1, NOW, NOW, "w", "simulated", AttemptOutcome.FAILED, "refused");
        assertThat(store.recordFailed(claimed, attempt, NOW)).isTrue();
        return store.find(claimed.idHex()).orElseThrow();
    }

    @Test
    void shouldMakeTheWebhookDueInTheWriteThatMakesTheJobFinal() {
        Job claimed = store.claim(insert(HOOK).id(), "w", NOW, LEASE).orElseThrow();
        assertThat(store.recordSent(
                        claimed,
                        new Attempt(1, NOW, NOW, "w", "simulated", AttemptOutcome.SENT, null),
                        "m-1",
                        NOW.plusSeconds(1)))
                .isTrue();
        Job sent = store.find(claimed.idHex()).orElseThrow();
        Job cancelled = store.cancel(insert(HOOK).id(), NOW.plusSeconds(2)).orElseThrow();
        Job failed = failed(HOOK);

        assertThat(sent.callback().dueAt()).isEqualTo(NOW.plusSeconds(1));
        assertThat(cancelled.callback().dueAt()).isEqualTo(NOW.plusSeconds(2));
        assertThat(failed.callback().dueAt()).isEqualTo(NOW);
        assertThat(store.findDueCallbacks(NOW.plusSeconds(5), 10))
                .extracting(Job::id)
                .containsExactly(failed.id(), sent.id(), cancelled.id());
    }

    @Test
    void shouldLeaveAJobWithoutWebhookWithoutCallback() {
        Job cancelled = store.cancel(insert(null).id(), NOW).orElseThrow();

        Document raw = mongo.getCollection(Job.COLLECTION)
                .find(new Document("_id", cancelled.id()))
                .first();
        assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(raw).doesNotContainKey("callback");
        assertThat(store.findDueCallbacks(NOW.plusSeconds(5), 10)).isEmpty();
    }

    @Test
    void shouldNotMakeTheWebhookDueBeforeTheJobIsFinal() {
        Job claimed = store.claim(insert(HOOK).id(), "w", NOW, LEASE).orElseThrow();
        store.recordRetry(claimed, new Attempt(1, NOW, NOW, "w", "simulated", AttemptOutcome.RETRY, "busy"), NOW);

        assertThat(store.findDueCallbacks(NOW.plusSeconds(5), 10)).isEmpty();
    }

    @Test
    void shouldLeaseADueWebhookToOneCallerAndFenceTheOutcomeByTheLease() {
        Job due = store.cancel(insert(HOOK).id(), NOW).orElseThrow();

        Job leased = store.leaseCallback(due, NOW.plusSeconds(30)).orElseThrow();
        assertThat(store.leaseCallback(due, NOW.plusSeconds(31)))
                .as("second lease of the same due webhook")
                .isEmpty();
        assertThat(store.findDueCallbacks(NOW.plusSeconds(29), 10))
                .as("leased, not due")
                .isEmpty();

        assertThat(store.recordCallback(leased, NOW.plusSeconds(1), "HTTP 500", NOW.plusSeconds(2)))
                .isTrue();
        assertThat(store.recordCallback(leased, NOW.plusSeconds(1), null, null))
                .as("stale lease")
                .isFalse();
        Callback retrying = store.find(due.idHex()).orElseThrow().callback();
        assertThat(retrying.attempts()).isEqualTo(1);
        assertThat(retrying.dueAt()).isEqualTo(NOW.plusSeconds(2));
        assertThat(retrying.lastError()).isEqualTo("HTTP 500");

        Job again = store.leaseCallback(store.find(due.idHex()).orElseThrow(), NOW.plusSeconds(40))
                .orElseThrow();
        assertThat(store.recordCallback(again, NOW.plusSeconds(3), null, null)).isTrue();
        Callback delivered = store.find(due.idHex()).orElseThrow().callback();
        assertThat(delivered.attempts()).isEqualTo(2);
        assertThat(delivered.dueAt()).isNull();
        assertThat(delivered.deliveredAt()).isEqualTo(NOW.plusSeconds(3));
        assertThat(delivered.lastError()).isNull();
        assertThat(delivered.url()).isEqualTo(HOOK);
    }

    @Test
    void shouldRequeueAFailedJobKeepingItsHistoryAndResettingAttemptsErrorAndWebhook() {
        Job failed = failed(HOOK);
        Job leased = store.leaseCallback(failed, NOW.plusSeconds(30)).orElseThrow();
        store.recordCallback(leased, NOW, null, null);
        store.markPublished(failed.id(), NOW);

        Job requeued =
                store.requeueFailed(failed.id(), null, NOW.plusSeconds(60)).orElseThrow();

        assertThat(requeued.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(requeued.attempts()).isZero();
        assertThat(requeued.error()).isNull();
        assertThat(requeued.publishedAt()).isNull();
        assertThat(requeued.history())
                .extracting(Attempt::outcome)
                .containsExactly(AttemptOutcome.FAILED, AttemptOutcome.REQUEUED);
        assertThat(requeued.callback()).isEqualTo(Callback.to(HOOK));
        assertThat(store.requeueFailed(failed.id(), null, NOW.plusSeconds(61)))
                .as("not failed any more")
                .isEmpty();
    }

    @Test
    void shouldRequeueAFailedJobWithoutWebhookWithoutGivingItOne() {
        Job requeued = store.requeueFailed(failed(null).id(), null, NOW).orElseThrow();

        Document raw = mongo.getCollection(Job.COLLECTION)
                .find(new Document("_id", requeued.id()))
                .first();
        assertThat(raw).doesNotContainKey("callback");
    }

    @Test
    void shouldRequeueOnlyTheGivenClientsJobWhenAClientIsGiven() {
        Job theirs = store.insert(
                Job.queued(Channel.EMAIL, Map.of("recipient", "a@b.co"), NOW).ownedBy("acme"));
        Job claimed = store.claim(theirs.id(), "w", NOW, LEASE).orElseThrow();
        store.recordFailed(claimed, new Attempt(1, NOW, NOW, "w", "simulated", AttemptOutcome.FAILED, "x"), NOW);

        assertThat(store.requeueFailed(theirs.id(), "other", NOW)).isEmpty();
        assertThat(store.requeueFailed(theirs.id(), "acme", NOW)).isPresent();
    }
}
