package io.notifyhub.model.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.notifyhub.localstack.TestInfrastructure;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

/**
 * Every write that makes a job final sets when it is removed ({@code expiresAt}: its client's retention or the
 * default), a re-queue clears it, and finished jobs from before retention get one; on a MongoDB-wire server.
 */
@SpringBootTest(classes = JobStoreTests.StoreOnly.class, properties = "notifyhub.retention.jobs=1h")
class RetentionStoreTests {

    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static final Map<String, Object> SMS = Map.of("phone", "+14155550123", "message", "hi");

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
    void shouldExpireASentJobAfterTheDefaultRetentionAndOneOfAClientWithItsOwnAfterThat() {
        Job plain = store.insert(Job.queued(Channel.SMS, SMS, NOW));
        Job week = store.insert(Job.queued(Channel.SMS, SMS, NOW).retainedFor(Duration.ofDays(7)));
        for (Job job : List.of(plain, week)) {
            Job claimed = store.claim(job.id(), "w", NOW, Duration.ofMinutes(2)).orElseThrow();
            assertThat(claimed.expiresAt()).as("under way: kept").isNull();
            store.recordSent(
                    claimed,
                    new Attempt(1, NOW, NOW.plusSeconds(1), "w", "p", AttemptOutcome.SENT, null),
                    "m",
                    NOW.plusSeconds(1));
        }

        assertThat(expiresAt(plain)).isEqualTo(NOW.plusSeconds(1).plus(Duration.ofHours(1)));
        assertThat(expiresAt(week)).isEqualTo(NOW.plusSeconds(1).plus(Duration.ofDays(7)));
    }

    @Test
    void shouldExpireAJobFailedOrCancelledAndKeepOneRequeuedUntilItFinishesAgain() {
        Job failed = store.insert(Job.queued(Channel.SMS, SMS, NOW).retainedFor(Duration.ofDays(2)));
        Job cancelled = store.insert(Job.queued(Channel.SMS, SMS, NOW));
        Job claimed = store.claim(failed.id(), "w", NOW, Duration.ofMinutes(2)).orElseThrow();
        store.recordFailed(claimed, new Attempt(1, NOW, NOW, "w", "p", AttemptOutcome.FAILED, "refused"), NOW);
        store.cancel(cancelled.id(), NOW).orElseThrow();

        assertThat(expiresAt(failed)).isEqualTo(NOW.plus(Duration.ofDays(2)));
        assertThat(expiresAt(cancelled)).isEqualTo(NOW.plus(Duration.ofHours(1)));

        store.requeueFailed(failed.id(), null, NOW.plusSeconds(5)).orElseThrow();
        assertThat(expiresAt(failed)).isNull();
        assertThat(store.failUnclaimed(failed.id(), "poison", NOW.plusSeconds(6)))
                .isPresent();
        assertThat(expiresAt(failed)).isEqualTo(NOW.plusSeconds(6).plus(Duration.ofDays(2)));
    }

    @Test
    void shouldStampFinishedJobsFromBeforeRetentionInBoundedRounds() {
        for (int i = 0; i < 5; i++) {
            mongo.getCollection(Job.COLLECTION)
                    .insertOne(new Document("type", "sms")
                            .append("status", "sent")
                            .append("createdAt", java.util.Date.from(NOW))
                            .append("updatedAt", java.util.Date.from(NOW)));
        }
        Job queued = store.insert(Job.queued(Channel.SMS, SMS, NOW));

        assertThat(store.stampMissingExpiry(3)).isEqualTo(3);
        assertThat(store.stampMissingExpiry(3)).isEqualTo(2);
        assertThat(store.stampMissingExpiry(3)).isZero();

        assertThat(mongo.getCollection(Job.COLLECTION)
                        .countDocuments(
                                new Document(JobFields.EXPIRES_AT, java.util.Date.from(NOW.plus(Duration.ofHours(1))))))
                .isEqualTo(5);
        assertThat(expiresAt(queued)).isNull();
        assertThat(store.find(queued.idHex()).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
    }

    @Test
    void shouldRemoveFinishedJobsWithATtlIndex() {
        store.createIndexes();

        Document index = mongo.getCollection(Job.COLLECTION).listIndexes().into(new java.util.ArrayList<>()).stream()
                .filter(i -> i.get("key", Document.class).containsKey(JobFields.EXPIRES_AT))
                .findFirst()
                .orElseThrow();
        assertThat(index.get("expireAfterSeconds", Number.class).longValue()).isZero();
    }

    private Instant expiresAt(Job job) {
        return store.find(job.idHex()).orElseThrow().expiresAt();
    }
}
