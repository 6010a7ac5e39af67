package io.notifyhub.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TTL indexes expire documents in the embedded store as they do in MongoDB, in memory and on disk. */
class TtlMonitorTests {

    @TempDir
    Path dir;

    @AfterEach
    void defaultInterval() {
        System.clearProperty(TtlMonitor.PROPERTY);
    }

    @Test
    void shouldDeleteOnlyDocumentsWhoseTtlFieldIsADateOlderThanItsIndexAllows() {
        try (EmbeddedMongo mongo = EmbeddedMongo.inMemory();
                MongoClient client = MongoClients.create(mongo.uri("t"))) {
            MongoCollection<Document> jobs = client.getDatabase("t").getCollection("jobs");
            MongoCollection<Document> keys = client.getDatabase("t").getCollection("keys");
            jobs.createIndex(Indexes.ascending("expiresAt"), new IndexOptions().expireAfter(0L, TimeUnit.SECONDS));
            jobs.createIndex(Indexes.ascending("status")); // not a TTL index
            keys.createIndex(Indexes.ascending("createdAt"), new IndexOptions().expireAfter(3600L, TimeUnit.SECONDS));
            Instant now = Instant.now();
            jobs.insertMany(List.of(
                    new Document("_id", "expired").append("expiresAt", Date.from(now.minusSeconds(1))),
                    new Document("_id", "expired-array")
                            .append(
                                    "expiresAt",
                                    List.of(Date.from(now.plusSeconds(3600)), Date.from(now.minusSeconds(5)))),
                    new Document("_id", "later").append("expiresAt", Date.from(now.plusSeconds(3600))),
                    new Document("_id", "no-field").append("status", "queued"),
                    new Document("_id", "not-a-date").append("expiresAt", "2000-01-01T00:00:00Z")));
            keys.insertMany(List.of(
                    new Document("_id", "two-hours-old").append("createdAt", Date.from(now.minusSeconds(7200))),
                    new Document("_id", "ten-minutes-old").append("createdAt", Date.from(now.minusSeconds(600)))));

            assertThat(mongo.expireNow()).isEqualTo(3);

            assertThat(jobs.find().map(d -> d.getString("_id")).into(new java.util.ArrayList<>()))
                    .containsExactlyInAnyOrder("later", "no-field", "not-a-date");
            assertThat(keys.find().map(d -> d.getString("_id")).into(new java.util.ArrayList<>()))
                    .containsExactly("ten-minutes-old");
            assertThat(jobs.countDocuments(new Document("status", "queued")))
                    .as("the poll index still agrees")
                    .isEqualTo(1);
            Document ttl = client.getDatabase("admin")
                    .runCommand(new Document("serverStatus", 1))
                    .get("metrics", Document.class)
                    .get("ttl", Document.class);
            assertThat(ttl.get("deletedDocuments", Number.class).longValue()).isEqualTo(3);
            assertThat(ttl.get("passes", Number.class).longValue()).isEqualTo(1);
        }
    }

    @Test
    void shouldSweepInTheBackgroundAtTheConfiguredInterval() {
        System.setProperty(TtlMonitor.PROPERTY, "1");
        try (EmbeddedMongo mongo = EmbeddedMongo.inMemory();
                MongoClient client = MongoClients.create(mongo.uri("t"))) {
            MongoCollection<Document> jobs = client.getDatabase("t").getCollection("jobs");
            jobs.createIndex(Indexes.ascending("expiresAt"), new IndexOptions().expireAfter(0L, TimeUnit.SECONDS));
            jobs.insertOne(new Document("_id", "soon")
                    .append("expiresAt", Date.from(Instant.now().plusMillis(1500))));
            jobs.insertOne(new Document("_id", "kept"));

            await().atMost(Duration.ofSeconds(6)).until(() -> jobs.countDocuments() == 1);
            assertThat(jobs.find().first()).containsEntry("_id", "kept");
        }
    }

    @Test
    void shouldExpireWhatAnEarlierRunLeftOnDisk() throws Exception {
        Path file = dir.resolve("mongo.mv");
        try (EmbeddedMongo mongo = EmbeddedMongo.persistent(file, "127.0.0.1", 0);
                MongoClient client = MongoClients.create(mongo.uri("t"))) {
            MongoCollection<Document> jobs = client.getDatabase("t").getCollection("jobs");
            jobs.createIndex(Indexes.ascending("expiresAt"), new IndexOptions().expireAfter(0L, TimeUnit.SECONDS));
            jobs.insertOne(new Document("_id", "old")
                    .append("expiresAt", Date.from(Instant.now().plusMillis(500))));
            jobs.insertOne(new Document("_id", "kept")
                    .append("expiresAt", Date.from(Instant.now().plusSeconds(3600))));
        }
        System.setProperty(TtlMonitor.PROPERTY, "1");
        try (EmbeddedMongo mongo = EmbeddedMongo.persistent(file, "127.0.0.1", 0);
                MongoClient client = MongoClients.create(mongo.uri("t"))) {
            MongoCollection<Document> jobs = client.getDatabase("t").getCollection("jobs");
            await().atMost(Duration.ofSeconds(6)).until(() -> jobs.countDocuments() == 1);
            assertThat(jobs.find().first()).containsEntry("_id", "kept");
        }
    }
}
