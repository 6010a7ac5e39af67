package io.notifyhub.model.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.notifyhub.localstack.TestInfrastructure;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.config.NotifyhubCommonConfiguration;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.bson.Document;
import org.bson.types.ObjectId;
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

        Document raw = mongo.getCollection(Job.COLLECTION)
                .find(new Document("_id", job.id()))
                .first();

        assertThat(raw)
                .containsEntry("type", "sms")
                .containsEntry("status", "queued")
                .containsEntry("attempts", 0);
        assertThat(store.find(job.idHex())).contains(job);
    }

    @Test
    void shouldWriteClaimsAndOutcomesInTheFormOfMappedWrites() {
        Job job = store.insert(Job.queued(Channel.SMS, Map.of("phone", "+14155550123", "message", "hi"), NOW));
        Job claimed = store.claim(job.id(), "w", NOW, LEASE).orElseThrow();
        Document held = mongo.getCollection(Job.COLLECTION)
                .find(new Document("_id", job.id()))
                .first();
        Attempt attempt = new Attempt(1, NOW, NOW.plusSeconds(1), "w", "p", AttemptOutcome.SENT, null);
        store.recordSent(claimed, attempt, "m-1", NOW.plusSeconds(1));
        Document sent = mongo.getCollection(Job.COLLECTION)
                .find(new Document("_id", job.id()))
                .first();

        assertThat(held)
                .containsEntry("status", "processing")
                .containsEntry("attempts", 1)
                .containsEntry("leaseUntil", Date.from(NOW.plus(LEASE)))
                .containsEntry("updatedAt", Date.from(NOW));
        assertThat(sent)
                .containsEntry("status", "sent")
                .containsEntry("providerMessageId", "m-1")
                .doesNotContainKeys("leaseUntil", "claimedBy", "claimedAt");
        assertThat(sent.getList("history", Document.class))
                .singleElement()
                .satisfies(stored -> assertThat(stored)
                        .doesNotContainKey("_class")
                        .containsEntry("endedAt", Date.from(NOW.plusSeconds(1))));
        assertThat(store.find(job.idHex()).orElseThrow().history()).containsExactly(attempt);
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

        assertThat(store.claim(job.id(), "second", NOW.plusSeconds(60), LEASE))
                .as("lease still held")
                .isEmpty();
        Job second = store.claim(job.id(), "second", NOW.plus(LEASE).plusSeconds(1), LEASE)
                .orElseThrow();
        Attempt late = new Attempt(1, NOW, NOW.plusSeconds(200), "first", "p", AttemptOutcome.SENT, null);

        assertThat(store.recordSent(first, late, "m-1", NOW.plusSeconds(200)))
                .as("stale claim")
                .isFalse();
        assertThat(second.attempts()).isEqualTo(2);
        Attempt attempt =
                new Attempt(2, second.claimedAt(), NOW.plusSeconds(201), "second", "p", AttemptOutcome.SENT, null);
        assertThat(store.recordSent(second, attempt, "m-2", NOW.plusSeconds(201)))
                .isTrue();
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
        store.recordFailed(claimed, new Attempt(1, NOW, NOW, "w", "p", AttemptOutcome.FAILED, "bad token"), NOW);

        assertThat(store.claim(job.id(), "w", NOW.plus(Duration.ofDays(1)), LEASE))
                .isEmpty();
        assertThat(store.find(job.idHex()).orElseThrow().error()).isEqualTo("bad token");
    }

    @Test
    void shouldPutARetriedJobBackAsQueuedAndUnpublished() {
        Job job = store.insert(Job.queued(Channel.SMS, Map.of("phone", "+14155550123"), NOW));
        store.markPublished(job.id(), NOW);
        Job claimed = store.claim(job.id(), "w", NOW, LEASE).orElseThrow();

        assertThat(store.recordRetry(claimed, new Attempt(1, NOW, NOW, "w", "p", AttemptOutcome.RETRY, "429"), NOW))
                .isTrue();
        Job retry = store.find(job.idHex()).orElseThrow();

        assertThat(retry.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(retry.attempts()).isEqualTo(1);
        assertThat(retry.error()).isEqualTo("429");
        assertThat(retry.publishedAt()).isNull();
        assertThat(store.claim(job.id(), "w2", NOW, LEASE)).isPresent();
    }

    @Test
    void shouldClaimManyJobsInOneCallButOnlyThoseClaimable() {
        Map<String, Object> email = Map.of("recipient", "a@b.co");
        List<Job> jobs = store.insertAll(IntStream.range(0, 5)
                .mapToObj(i -> Job.queued(Channel.EMAIL, email, NOW))
                .toList());
        store.claim(jobs.get(2).id(), "other", NOW, LEASE).orElseThrow(); // held
        store.claim(jobs.get(3).id(), "dead", NOW.minus(LEASE).minusSeconds(1), LEASE)
                .orElseThrow(); // expired
        Job finished = store.claim(jobs.get(4).id(), "w", NOW, LEASE).orElseThrow();
        store.recordFailed(finished, new Attempt(1, NOW, NOW, "w", "p", AttemptOutcome.FAILED, "bad"), NOW);
        ObjectId unknown = new ObjectId();

        Map<ObjectId, Job> claimed = store.claimAll(
                tokens(List.of(
                        jobs.get(0).id(),
                        jobs.get(1).id(),
                        jobs.get(2).id(),
                        jobs.get(3).id(),
                        jobs.get(4).id(),
                        unknown)),
                "w",
                NOW,
                LEASE);

        assertThat(claimed)
                .containsOnlyKeys(
                        jobs.get(0).id(), jobs.get(1).id(), jobs.get(3).id());
        assertThat(claimed.values()).allSatisfy(job -> {
            assertThat(job.status()).isEqualTo(JobStatus.PROCESSING);
            assertThat(job.claimedBy()).isEqualTo("w");
            assertThat(job.leaseUntil()).isEqualTo(NOW.plus(LEASE));
        });
        assertThat(claimed.get(jobs.get(0).id()).attempts()).isEqualTo(1);
        assertThat(claimed.get(jobs.get(3).id()).attempts())
                .as("taken over after its lease expired")
                .isEqualTo(2);
        assertThat(store.find(jobs.get(2).idHex()).orElseThrow().claimedBy()).isEqualTo("other");
        assertThat(store.find(jobs.get(4).idHex()).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
    }

    /** Two calls of one worker in the same millisecond: the second must not read the first one's jobs as its own. */
    @Test
    void shouldNeverGiveOneJobToTwoClaimCallsOfTheSameWorkerAtTheSameInstant() {
        Map<String, Object> email = Map.of("recipient", "a@b.co");
        List<ObjectId> ids =
                store
                        .insertAll(IntStream.range(0, 3)
                                .mapToObj(i -> Job.queued(Channel.EMAIL, email, NOW))
                                .toList())
                        .stream()
                        .map(Job::id)
                        .toList();

        Map<ObjectId, Job> first = store.claimAll(tokens(ids.subList(0, 2)), "w", NOW, LEASE);
        Map<ObjectId, Job> second = store.claimAll(tokens(ids.subList(1, 3)), "w", NOW, LEASE);

        assertThat(first).containsOnlyKeys(ids.get(0), ids.get(1));
        assertThat(second).containsOnlyKeys(ids.get(2));
        assertThat(store.find(ids.get(1).toHexString()).orElseThrow().attempts())
                .isEqualTo(1);
    }

    /**
     * A store too slow to answer may still have written a claim: the delivery asks again with the same token and
     * gets the job it claimed, once, instead of finding it held (by itself) until the lease runs out.
     */
    @Test
    void shouldGiveAClaimWhoseAnswerWasLostToTheSameTokenAgain() {
        Map<String, Object> email = Map.of("recipient", "a@b.co");
        List<ObjectId> ids =
                store
                        .insertAll(IntStream.range(0, 3)
                                .mapToObj(i -> Job.queued(Channel.EMAIL, email, NOW))
                                .toList())
                        .stream()
                        .map(Job::id)
                        .toList();
        Map<ObjectId, ObjectId> tokens = tokens(ids);

        store.claimAll(tokens, "w", NOW, LEASE); // its answer lost on the way
        Map<ObjectId, Job> again = store.claimAll(tokens, "w", NOW.plusSeconds(2), LEASE);

        assertThat(again).containsOnlyKeys(ids);
        assertThat(again.values()).allSatisfy(job -> {
            assertThat(job.attempts()).as("claimed once").isEqualTo(1);
            assertThat(job.claimedAt()).isEqualTo(NOW);
        });
        assertThat(store.claimAll(tokens(ids), "w", NOW.plusSeconds(3), LEASE))
                .as("another delivery's claim")
                .isEmpty();
    }

    /** A claim token of its own for each job, as each delivery makes one. */
    private static Map<ObjectId, ObjectId> tokens(List<ObjectId> ids) {
        Map<ObjectId, ObjectId> tokens = new java.util.LinkedHashMap<>();
        ids.forEach(id -> tokens.put(id, new ObjectId()));
        return tokens;
    }

    @Test
    void shouldRecordManyOutcomesInOneBulkWriteAndNameTheClaimsLost() {
        Map<String, Object> email = Map.of("recipient", "a@b.co");
        List<Job> jobs = store.insertAll(List.of(
                Job.queued(Channel.EMAIL, email, NOW),
                Job.queued(Channel.EMAIL, email, NOW).withCallback("https://hooks.example.com/n"),
                Job.queued(Channel.EMAIL, email, NOW),
                Job.queued(Channel.EMAIL, email, NOW),
                Job.queued(Channel.EMAIL, email, NOW)));
        Map<ObjectId, Job> claimed =
                store.claimAll(tokens(jobs.stream().map(Job::id).toList()), "w", NOW, LEASE);
        Job lost = claimed.get(jobs.get(4).id());
        store.claim(lost.id(), "other", NOW.plus(LEASE).plusSeconds(1), LEASE).orElseThrow();
        Instant end = NOW.plusSeconds(1);
        List<ClaimOutcome> outcomes = List.of(
                ClaimOutcome.sent(claimed.get(jobs.get(0).id()), attempt(1, AttemptOutcome.SENT, null), "m-0", end),
                ClaimOutcome.sent(claimed.get(jobs.get(1).id()), attempt(1, AttemptOutcome.SENT, null), "m-1", end),
                ClaimOutcome.retry(claimed.get(jobs.get(2).id()), attempt(1, AttemptOutcome.RETRY, "429"), end),
                ClaimOutcome.failed(claimed.get(jobs.get(3).id()), attempt(1, AttemptOutcome.FAILED, "bad"), end),
                ClaimOutcome.sent(lost, attempt(1, AttemptOutcome.SENT, null), "m-4", end));

        assertThat(store.recordAll(outcomes)).containsExactly(lost.id());
        assertThat(store.recordAll(outcomes))
                .as("written again, as after a timeout: found recorded")
                .containsExactly(lost.id());

        Job sent = store.find(jobs.get(0).idHex()).orElseThrow();
        assertThat(sent.status()).isEqualTo(JobStatus.SENT);
        assertThat(sent.providerMessageId()).isEqualTo("m-0");
        assertThat(sent.history()).containsExactly(attempt(1, AttemptOutcome.SENT, null));
        assertThat(sent.claimedBy()).isNull();
        assertThat(store.find(jobs.get(1).idHex()).orElseThrow().callback().dueAt())
                .as("webhook due")
                .isEqualTo(end);
        Job retry = store.find(jobs.get(2).idHex()).orElseThrow();
        assertThat(retry.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(retry.publishedAt()).isNull();
        assertThat(store.find(jobs.get(3).idHex()).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
        Job taken = store.find(lost.idHex()).orElseThrow();
        assertThat(taken.status()).isEqualTo(JobStatus.PROCESSING);
        assertThat(taken.claimedBy()).isEqualTo("other");
        Document raw = mongo.getCollection(Job.COLLECTION)
                .find(new Document("_id", sent.id()))
                .first();
        assertThat(raw).doesNotContainKey(JobFields.CLAIM_TOKEN);
        assertThat(raw.getString(JobFields.STATUS))
                .as("stored as before: lower-case values")
                .isEqualTo("sent");
        assertThat(raw.getString(JobFields.TYPE)).isEqualTo("email");
        assertThat(raw.getString("priority")).isEqualTo("normal");
        assertThat(raw.getList(JobFields.HISTORY, Document.class))
                .extracting(attempt -> attempt.getString("outcome"))
                .containsExactly("sent");
    }

    @Test
    void shouldReadTheAttemptOutcomesOfJobsStoredAsStrings() {
        Job job = store.insert(Job.queued(Channel.EMAIL, Map.of("recipient", "a@b.co"), NOW));
        List<Document> history = List.of("retry", "lost", "failed", "requeued", "sent").stream()
                .map(outcome -> new Document("number", 1).append("outcome", outcome))
                .toList();
        mongo.getCollection(Job.COLLECTION)
                .updateOne(new Document("_id", job.id()), new Document("$set", new Document("history", history)));

        assertThat(store.find(job.idHex()).orElseThrow().history())
                .extracting(Attempt::outcome)
                .containsExactly(
                        AttemptOutcome.RETRY,
                        AttemptOutcome.LOST,
                        AttemptOutcome.FAILED,
                        AttemptOutcome.REQUEUED,
                        AttemptOutcome.SENT);
    }

    @Test
    void shouldRecordAnOutcomeInBulkWhenTheJobGotAWebhookAfterItsClaim() {
        Map<String, Object> email = Map.of("recipient", "a@b.co");
        List<Job> jobs =
                store.insertAll(List.of(Job.queued(Channel.EMAIL, email, NOW), Job.queued(Channel.EMAIL, email, NOW)));
        Map<ObjectId, Job> claimed =
                store.claimAll(tokens(jobs.stream().map(Job::id).toList()), "w", NOW, LEASE);
        mongo.getCollection(Job.COLLECTION)
                .updateOne(
                        new Document("_id", jobs.get(1).id()),
                        new Document(
                                "$set", new Document("callback", new Document("url", "https://hooks.example.com/n"))));

        assertThat(store.recordAll(jobs.stream()
                        .map(job -> ClaimOutcome.sent(
                                claimed.get(job.id()), attempt(1, AttemptOutcome.SENT, null), "m", NOW.plusSeconds(1)))
                        .toList()))
                .isEmpty();
        Job hooked = store.find(jobs.get(1).idHex()).orElseThrow();
        assertThat(hooked.status()).isEqualTo(JobStatus.SENT);
        assertThat(hooked.callback().dueAt()).isEqualTo(NOW.plusSeconds(1));
        assertThat(store.find(jobs.get(0).idHex()).orElseThrow().status()).isEqualTo(JobStatus.SENT);
    }

    private static Attempt attempt(int number, AttemptOutcome outcome, String error) {
        return new Attempt(number, NOW, NOW.plusSeconds(1), "w", "p", outcome, error);
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
    static class StoreOnly {}
}
