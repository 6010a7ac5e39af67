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
import com.mongodb.client.model.Filters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
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

    @Test
    void shouldAnswerEachReadWithTheDocumentsAsTheyWereWhenTheyMatchedInMemory() throws Exception {
        try (EmbeddedMongo mongo = EmbeddedMongo.inMemory()) {
            assertReadsMatchTheirFilterWhileWritersChangeTheDocuments(mongo);
        }
    }

    @Test
    void shouldAnswerEachReadWithTheDocumentsAsTheyWereWhenTheyMatchedOnDisk() throws Exception {
        try (EmbeddedMongo mongo = EmbeddedMongo.persistent(dir.resolve("mongo.mv"), "127.0.0.1", 0)) {
            assertReadsMatchTheirFilterWhileWritersChangeTheDocuments(mongo);
        }
    }

    /**
     * A webhook lease reads the due jobs and then moves a job's {@code dueAt} only if it is still the one read. If
     * the store sent documents that a later write had changed in place after they matched, a reader would see
     * (and lease from) a value that did not match its filter, and two leases could both succeed. Writers here
     * keep flipping {@code n} between even and odd, always with a conditional update; readers ask for even
     * {@code n} only, and every document they get must have an even {@code n} and an intact body.
     */
    private static void assertReadsMatchTheirFilterWhileWritersChangeTheDocuments(EmbeddedMongo mongo)
            throws Exception {
        try (MongoClient client = MongoClients.create(mongo.uri("t"))) {
            MongoCollection<Document> docs = client.getDatabase("t").getCollection("flips");
            List<Document> seed = IntStream.range(0, 50)
                    .mapToObj(i -> new Document("n", 0).append("copy", 0).append("history", List.of(0))).toList();
            docs.insertMany(seed);
            List<ObjectId> ids = docs.find().map(d -> d.getObjectId("_id")).into(new ArrayList<>());
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            AtomicLong reads = new AtomicLong();
            AtomicLong wrongs = new AtomicLong();
            try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
                List<Future<?>> running = new ArrayList<>();
                for (int w = 0; w < 2; w++) {
                    running.add(threads.submit(() -> {
                        for (int i = 0; System.nanoTime() < until; i++) {
                            ObjectId id = ids.get(i % ids.size());
                            Document now = docs.find(eq("_id", id)).first();
                            int n = now.getInteger("n");
                            // n and its copy change together in one conditional write
                            docs.findOneAndUpdate(and(eq("_id", id), eq("n", n)), Updates.combine(
                                    Updates.set("n", n + 1), Updates.set("copy", n + 1), Updates.push("history", n + 1)));
                        }
                    }));
                }
                for (int r = 0; r < 2; r++) {
                    running.add(threads.submit(() -> {
                        while (System.nanoTime() < until) {
                            for (Document read : docs.find(Filters.mod("n", 2, 0)).batchSize(10)) {
                                reads.incrementAndGet();
                                int n = read.getInteger("n");
                                if (n % 2 != 0 || read.getInteger("copy") != n
                                        || !read.getList("history", Integer.class).getLast().equals(n)) {
                                    wrongs.incrementAndGet();
                                }
                            }
                        }
                    }));
                }
                for (Future<?> thread : running) {
                    thread.get();
                }
            }
            assertThat(reads.get()).as("documents read").isGreaterThan(1000);
            assertThat(wrongs.get()).as("of %d documents read, those not matching the filter or torn", reads.get())
                    .isZero();
        }
    }
}
