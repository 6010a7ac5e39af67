package io.notifyhub.localstack;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store over TCP with the real driver, in memory and on disk. */
class EmbeddedMongoTests {

    @TempDir
    Path dir;

    @Test
    void shouldAnswerHelloAndMatchConditionalUpdatesPinnedByIdInMemory() {
        try (EmbeddedMongo mongo = EmbeddedMongo.inMemory()) {
            assertConditionalUpdates(mongo);
        }
    }

    @Test
    void shouldMatchConditionalUpdatesPinnedByIdOnDiskAndKeepDataAcrossRestarts() throws Exception {
        Path file = dir.resolve("mongo.mv");
        ObjectId id;
        try (EmbeddedMongo mongo = EmbeddedMongo.persistent(file, "127.0.0.1", 0)) {
            id = assertConditionalUpdates(mongo);
        }
        try (EmbeddedMongo mongo = EmbeddedMongo.persistent(file, "127.0.0.1", 0);
             MongoClient client = MongoClients.create(mongo.uri("t"))) {
            Document kept = client.getDatabase("t").getCollection("jobs").find(eq("_id", id)).first();
            assertThat(kept).isNotNull().containsEntry("status", "processing");
        }
    }

    private static ObjectId assertConditionalUpdates(EmbeddedMongo mongo) {
        try (MongoClient client = MongoClients.create(mongo.uri("t"))) {
            assertThat(client.getDatabase("t").runCommand(new Document("hello", 1)).get("ok")).isIn(1, 1.0);
            MongoCollection<Document> jobs = client.getDatabase("t").getCollection("jobs");
            IntStream.range(0, 100).forEach(i -> jobs.insertOne(new Document("n", i).append("status", "queued")));
            ObjectId id = jobs.find(eq("n", 42)).first().getObjectId("_id");
            var returnNew = new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER);

            Document claimed = jobs.findOneAndUpdate(and(eq("_id", id), eq("status", "queued")),
                    Updates.set("status", "processing"), returnNew);
            Document again = jobs.findOneAndUpdate(and(eq("_id", id), eq("status", "queued")),
                    Updates.set("status", "processing"), returnNew);
            Document unknown = jobs.findOneAndUpdate(and(eq("_id", new ObjectId()), eq("status", "queued")),
                    Updates.set("status", "processing"), returnNew);
            jobs.deleteOne(eq("n", 41));

            assertThat(claimed).isNotNull().containsEntry("n", 42).containsEntry("status", "processing");
            assertThat(again).as("the condition no longer holds").isNull();
            assertThat(unknown).isNull();
            assertThat(jobs.countDocuments(eq("status", "queued"))).isEqualTo(98);
            assertThat(jobs.find(and(eq("_id", id), eq("n", 42))).first()).isNotNull();
            return id;
        }
    }
}
