package io.notifyhub.model.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.notifyhub.localstack.TestInfrastructure;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.config.NotifyhubCommonConfiguration;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The store's guarded writes, on a MongoDB-wire server over TCP. */
@SpringBootTest(classes = JobStoreTests.StoreOnly.class)
class JobStoreTests {

    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(2);

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

    @Test
    void shouldQueueOnlyDueScheduledJobsAndLetAnEarlierCancelWin() {
        Map<String, Object> sms = Map.of("phone", "+14155550123", "message", "hi");
        List<Job> jobs = store.insertAll(List.of(
                Job.queued(Channel.SMS, sms, NOW).scheduledFor(NOW.minusSeconds(1)),
                Job.queued(Channel.SMS, sms, NOW).scheduledFor(NOW.minusSeconds(2)),
                Job.queued(Channel.SMS, sms, NOW).scheduledFor(NOW.plusSeconds(60))));
        Job due = jobs.get(0);
        Job cancelled = jobs.get(1);
        Job later = jobs.get(2);
        store.cancel(cancelled.id(), NOW).orElseThrow();

        assertThat(store.findDue(NOW, 10)).extracting(Job::id).containsExactly(due.id());
        assertThat(store.queueDue(later.id(), NOW)).as("not due yet").isEmpty();
        assertThat(store.queueDue(cancelled.id(), NOW)).as("cancelled first").isEmpty();
        Job queued = store.queueDue(due.id(), NOW).orElseThrow();
        assertThat(queued.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(queued.publishedAt()).isNull();
        assertThat(store.queueDue(due.id(), NOW)).as("queued once").isEmpty();
        assertThat(store.find(cancelled.idHex()).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(store.find(later.idHex()).orElseThrow().status()).isEqualTo(JobStatus.SCHEDULED);
    }

    @Test
    void shouldStoreStatusAndTypeAsTheSeedsLowercaseStrings() {
        Job job = store.insert(Job.queued(Channel.SMS, Map.of("phone", "+14155550123", "message", "hi"), NOW));

        Document raw = mongo.getCollection(Job.COLLECTION).find(new Document("_id", job.id())).first();

        assertThat(raw).containsEntry("type", "sms").containsEntry("status", "queued").containsEntry("attempts", 0);
        assertThat(store.find(job.idHex())).contains(job);
    }

    @Test
    void shouldLetExactlyOneOfManyConcurrentClaimsWin() throws Exception {
        Job job = store.insert(Job.queued(Channel.EMAIL, Map.of("recipient", "a@b.co"), NOW));
        List<Callable<Optional<Job>>> claims = IntStream.range(0, 8)
                .<Callable<Optional<Job>>>mapToObj(i -> () -> store.claim(job.id(), "worker-" + i, NOW, LEASE))
                .toList();

        List<Optional<Job>> results;
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            results = pool.invokeAll(claims).stream().map(JobStoreTests::get).toList();
        }

        assertThat(results.stream().filter(Optional::isPresent)).hasSize(1);
        Job claimed = store.find(job.idHex()).orElseThrow();
        assertThat(claimed.status()).isEqualTo(JobStatus.PROCESSING);
        assertThat(claimed.attempts()).isEqualTo(1);
        assertThat(claimed.leaseUntil()).isEqualTo(NOW.plus(LEASE));
    }

    @Test
    void shouldLetAnExpiredClaimBeTakenOverAndRefuseTheStaleHoldersWrite() {
        Job job = store.insert(Job.queued(Channel.EMAIL, Map.of("recipient", "a@b.co"), NOW));
        Job first = store.claim(job.id(), "first", NOW, LEASE).orElseThrow();

        assertThat(store.claim(job.id(), "second", NOW.plusSeconds(60), LEASE)).as("lease still held").isEmpty();
        Job second = store.claim(job.id(), "second", NOW.plus(LEASE).plusSeconds(1), LEASE).orElseThrow();
        Attempt late = new Attempt(1, NOW, NOW.plusSeconds(200), "first", "p", Attempt.SENT, null);

        assertThat(store.recordSent(first, late, "m-1", NOW.plusSeconds(200))).as("stale claim").isFalse();
        assertThat(second.attempts()).isEqualTo(2);
        Attempt attempt = new Attempt(2, second.claimedAt(), NOW.plusSeconds(201), "second", "p", Attempt.SENT, null);
        assertThat(store.recordSent(second, attempt, "m-2", NOW.plusSeconds(201))).isTrue();
        Job sent = store.find(job.idHex()).orElseThrow();
        assertThat(sent.status()).isEqualTo(JobStatus.SENT);
        assertThat(sent.providerMessageId()).isEqualTo("m-2");
        assertThat(sent.history()).containsExactly(attempt);
        assertThat(sent.leaseUntil()).isNull();
    }

    @Test
    void shouldNeverClaimAFinishedJob() {
        Job job = store.insert(Job.queued(Channel.PUSH, Map.of("token", "t"), NOW));
        Job claimed = store.claim(job.id(), "w", NOW, LEASE).orElseThrow();
        store.recordFailed(claimed, new Attempt(1, NOW, NOW, "w", "p", Attempt.FAILED, "bad token"), NOW);

        assertThat(store.claim(job.id(), "w", NOW.plus(Duration.ofDays(1)), LEASE)).isEmpty();
        assertThat(store.find(job.idHex()).orElseThrow().error()).isEqualTo("bad token");
    }

    @Test
    void shouldPutARetriedJobBackAsQueuedAndUnpublished() {
        Job job = store.insert(Job.queued(Channel.SMS, Map.of("phone", "+14155550123"), NOW));
        store.markPublished(job.id(), NOW);
        Job claimed = store.claim(job.id(), "w", NOW, LEASE).orElseThrow();

        assertThat(store.recordRetry(claimed, new Attempt(1, NOW, NOW, "w", "p", Attempt.RETRY, "429"), NOW)).isTrue();
        Job retry = store.find(job.idHex()).orElseThrow();

        assertThat(retry.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(retry.attempts()).isEqualTo(1);
        assertThat(retry.error()).isEqualTo("429");
        assertThat(retry.publishedAt()).isNull();
        assertThat(store.claim(job.id(), "w2", NOW, LEASE)).isPresent();
    }

    private static <T> T get(Future<T> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(NotifyhubCommonConfiguration.class)
    static class StoreOnly {
    }
}
