package io.notifyhub.localstack;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
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
            Document kept = client.getDatabase("t")
                    .getCollection("jobs")
                    .find(eq("_id", id))
                    .first();
            assertThat(kept).isNotNull().containsEntry("status", "processing");
        }
    }

    /**
     * An update on disk never changes a stored document in place. H2's background writer encodes the documents
     * of the map's page versions to the file without the collection's lock; mongo-java-server's update removed
     * and put fields of the stored instance itself, and when that overlapped an encoding the writer failed
     * (ConcurrentModificationException) and H2 closed the store: within a minute at 300 jobs/s in the singles
     * benchmark, after which every write timed out. Now each update and findAndModify puts a new instance and
     * leaves the old one as it was, and the store reports no failure.
     */
    @Test
    void shouldNotChangeAStoredDocumentInPlaceOnDisk() throws Exception {
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        IndexedH2Backend backend =
                IndexedH2Backend.open(dir.resolve("inplace.mv").toString(), failures::add);
        de.bwaldvogel.mongo.MongoServer server = new de.bwaldvogel.mongo.MongoServer(backend);
        java.net.InetSocketAddress address = server.bind();
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort())) {
            MongoCollection<Document> jobs = client.getDatabase("t").getCollection("jobs");
            jobs.insertOne(new Document("_id", 1)
                    .append("status", "queued")
                    .append("n", 0L)
                    .append("claim", new Document("token", "a")));
            org.h2.mvstore.MVMap<Object, de.bwaldvogel.mongo.bson.Document> data = backend.dataMap("t.jobs");

            de.bwaldvogel.mongo.bson.Document before = data.get(1);
            String beforeText = before.toString();
            jobs.updateOne(
                    eq("_id", 1),
                    Updates.combine(Updates.unset("claim"), Updates.set("status", "processing"), Updates.inc("n", 1L)));
            assertThat(before.toString())
                    .as("the stored instance after updateOne")
                    .isEqualTo(beforeText);
            assertThat(data.get(1))
                    .isNotSameAs(before)
                    .containsEntry("status", "processing")
                    .doesNotContainKey("claim");

            de.bwaldvogel.mongo.bson.Document updated = data.get(1);
            String updatedText = updated.toString();
            jobs.findOneAndUpdate(eq("_id", 1), Updates.combine(Updates.set("status", "sent"), Updates.inc("n", 1L)));
            assertThat(updated.toString())
                    .as("the stored instance after findOneAndUpdate")
                    .isEqualTo(updatedText);
            assertThat(data.get(1)).containsEntry("status", "sent").containsEntry("n", 2L);
            backend.commitNow();
            assertThat(failures).as("failures of the store's background writer").isEmpty();
        } finally {
            server.shutdownNow();
            backend.close();
        }
    }

    /** countDocuments by status is answered from the status index, and agrees with the documents, on both stores. */
    @Test
    void shouldCountByStatusFromTheIndexInMemoryAndOnDisk() throws Exception {
        try (EmbeddedMongo memory = EmbeddedMongo.inMemory();
                EmbeddedMongo disk = EmbeddedMongo.persistent(dir.resolve("count.mv"), "127.0.0.1", 0)) {
            for (EmbeddedMongo mongo : List.of(memory, disk)) {
                try (MongoClient client = MongoClients.create(mongo.uri("t"))) {
                    MongoCollection<Document> jobs = client.getDatabase("t").getCollection("jobs");
                    List<Document> inserted = new ArrayList<>();
                    for (int i = 0; i < 30; i++) {
                        inserted.add(new Document("status", i < 20 ? "queued" : "sent").append("n", i));
                    }
                    jobs.insertMany(inserted);
                    jobs.updateMany(Filters.lt("n", 5), Updates.set("status", "processing"));
                    jobs.deleteOne(eq("n", 29));

                    assertThat(jobs.countDocuments(eq("status", "queued"))).isEqualTo(15);
                    assertThat(jobs.countDocuments(eq("status", "processing"))).isEqualTo(5);
                    assertThat(jobs.countDocuments(eq("status", "sent"))).isEqualTo(9);
                    assertThat(jobs.countDocuments(eq("status", "failed"))).isZero();
                    assertThat(jobs.countDocuments(Filters.in("status", "queued", "sent")))
                            .isEqualTo(24);
                    // filters the index cannot answer are counted by mongo-java-server, as before
                    assertThat(jobs.countDocuments(and(eq("status", "queued"), Filters.gte("n", 10))))
                            .isEqualTo(10);
                    assertThat(jobs.countDocuments()).isEqualTo(29);
                    assertThat(client.getDatabase("t").getCollection("none").countDocuments(eq("status", "queued")))
                            .isZero();
                }
            }
        }
    }

    private static ObjectId assertConditionalUpdates(EmbeddedMongo mongo) {
        try (MongoClient client = MongoClients.create(mongo.uri("t"))) {
            assertThat(client.getDatabase("t")
                            .runCommand(new Document("hello", 1))
                            .get("ok"))
                    .isIn(1, 1.0);
            MongoCollection<Document> jobs = client.getDatabase("t").getCollection("jobs");
            IntStream.range(0, 100).forEach(i -> jobs.insertOne(new Document("n", i).append("status", "queued")));
            ObjectId id = jobs.find(eq("n", 42)).first().getObjectId("_id");
            var returnNew = new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER);

            Document claimed = jobs.findOneAndUpdate(
                    and(eq("_id", id), eq("status", "queued")), Updates.set("status", "processing"), returnNew);
            Document again = jobs.findOneAndUpdate(
                    and(eq("_id", id), eq("status", "queued")), Updates.set("status", "processing"), returnNew);
            Document unknown = jobs.findOneAndUpdate(
                    and(eq("_id", new ObjectId()), eq("status", "queued")),
                    Updates.set("status", "processing"),
                    returnNew);
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
                    .mapToObj(i -> new Document("n", 0).append("copy", 0).append("history", List.of(0)))
                    .toList();
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
                            docs.findOneAndUpdate(
                                    and(eq("_id", id), eq("n", n)),
                                    Updates.combine(
                                            Updates.set("n", n + 1),
                                            Updates.set("copy", n + 1),
                                            Updates.push("history", n + 1)));
                        }
                    }));
                }
                for (int r = 0; r < 2; r++) {
                    running.add(threads.submit(() -> {
                        while (System.nanoTime() < until) {
                            for (Document read :
                                    docs.find(Filters.mod("n", 2, 0)).batchSize(10)) {
                                reads.incrementAndGet();
                                int n = read.getInteger("n");
                                if (n % 2 != 0
                                        || read.getInteger("copy") != n
                                        || !read.getList("history", Integer.class)
                                                .getLast()
                                                .equals(n)) {
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
            assertThat(wrongs.get())
                    .as("of %d documents read, those not matching the filter or torn", reads.get())
                    .isZero();
        }
    }

    /**
     * The store answers the services' polls (by {@code status}, by a due {@code callback.dueAt}) from positions
     * it keeps up to date on every insert, update, replace and delete: each answer must be the one a scan of the
     * collection gives (a {@code find({})}, matched here), through rounds of random writes.
     */
    @Test
    void shouldAnswerThePollsByStatusAndDueWebhookAsAScanWouldThroughRandomWritesInMemory() {
        try (EmbeddedMongo mongo = EmbeddedMongo.inMemory();
                MongoClient client = MongoClients.create(mongo.uri("t"))) {
            Random random = new Random(42);
            MongoCollection<Document> jobs = client.getDatabase("t").getCollection("jobs");
            int next = insertJobs(jobs, random, 0, 300);
            randomWritesAndPolls(jobs, random, next, 40);
        }
    }

    /**
     * The same on disk, where the positions are built again from what the file holds when the store opens: the
     * polls of a store that starts with old data must not scan it either.
     */
    @Test
    void shouldAnswerThePollsByStatusAndDueWebhookAsAScanWouldOnDiskAndAfterARestart() throws Exception {
        Path file = dir.resolve("polls.mv");
        Random random = new Random(7);
        int next;
        try (EmbeddedMongo mongo = EmbeddedMongo.persistent(file, "127.0.0.1", 0);
                MongoClient client = MongoClients.create(mongo.uri("t"))) {
            MongoCollection<Document> jobs = client.getDatabase("t").getCollection("jobs");
            next = randomWritesAndPolls(jobs, random, insertJobs(jobs, random, 0, 300), 20);
        }
        try (EmbeddedMongo mongo = EmbeddedMongo.persistent(file, "127.0.0.1", 0);
                MongoClient client = MongoClients.create(mongo.uri("t"))) {
            MongoCollection<Document> jobs = client.getDatabase("t").getCollection("jobs");
            assertThat(jobs.countDocuments()).as("kept across the restart").isPositive();
            randomWritesAndPolls(jobs, random, next, 20);
        }
    }

    /**
     * A store file written before documents were kept as BSON (by mongo-java-server's own H2 backend, with H2's
     * Java serialization) opens with its documents: each collection is rewritten once, as BSON.
     */
    @Test
    void shouldOpenAFileWrittenInTheEarlierFormat() throws Exception {
        Path file = dir.resolve("earlier.mv");
        de.bwaldvogel.mongo.MongoServer earlier =
                new de.bwaldvogel.mongo.MongoServer(new de.bwaldvogel.mongo.backend.h2.H2Backend(file.toString()));
        java.net.InetSocketAddress address = earlier.bind();
        try (MongoClient client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort())) {
            client.getDatabase("t")
                    .getCollection("jobs")
                    .insertMany(List.of(
                            new Document("status", "sent")
                                    .append("at", new Date(5))
                                    .append("payload", new Document("to", "a")),
                            new Document("status", "queued").append("tags", List.of("x", "y"))));
        } finally {
            earlier.shutdownNow();
        }
        for (int open = 1; open <= 2; open++) {
            try (EmbeddedMongo mongo = EmbeddedMongo.persistent(file, "127.0.0.1", 0);
                    MongoClient client = MongoClients.create(mongo.uri("t"))) {
                MongoCollection<Document> jobs = client.getDatabase("t").getCollection("jobs");
                assertThat(jobs.countDocuments()).as("open %d", open).isEqualTo(2);
                Document sent = jobs.find(eq("status", "sent")).first();
                assertThat(sent.getDate("at")).isEqualTo(new Date(5));
                assertThat(sent.get("payload", Document.class).getString("to")).isEqualTo("a");
                assertThat(jobs.find(eq("status", "queued")).first().getList("tags", String.class))
                        .containsExactly("x", "y");
            }
        }
    }

    /**
     * Spring Boot's MongoDB health check lists the databases, which mongo-java-server answers by opening each one
     * again (on disk: reading every document to build its indexes, every two seconds in each service). Each
     * backend answers with the database it opened already.
     */
    @Test
    void shouldListTheDatabasesWithoutOpeningThemAgain() throws Exception {
        IndexedH2Backend disk = IndexedH2Backend.open(dir.resolve("list.mv").toString(), Throwable::printStackTrace);
        IndexedMemoryBackend memory = new IndexedMemoryBackend();
        try {
            assertThat(disk.openOrCreateDatabase("t"))
                    .as("what listDatabases opens, on disk")
                    .isSameAs(disk.resolveDatabase("t"));
            assertThat(memory.openOrCreateDatabase("t"))
                    .as("what listDatabases opens, in memory")
                    .isSameAs(memory.resolveDatabase("t"));
        } finally {
            disk.close();
            memory.close();
        }
        IndexedH2Backend reopened =
                IndexedH2Backend.open(dir.resolve("list.mv").toString(), Throwable::printStackTrace);
        try {
            de.bwaldvogel.mongo.MongoDatabase first = reopened.openOrCreateDatabase("t");
            assertThat(reopened.openOrCreateDatabase("t"))
                    .as("a database already in the file, listed twice")
                    .isSameAs(first);
        } finally {
            reopened.close();
        }
    }

    private static final List<String> STATUSES = List.of("queued", "processing", "sent", "scheduled");
    private static final Date NOW = new Date(1_000_000);

    private static Document job(Random random, int n) {
        Document doc = new Document("n", n).append("status", STATUSES.get(random.nextInt(STATUSES.size())));
        int hook = random.nextInt(3); // none, not due, due at some time
        if (hook > 0) {
            doc.append(
                    "callback",
                    hook == 1
                            ? new Document("url", "http://h")
                            : new Document("url", "http://h").append("dueAt", new Date(random.nextInt(2_000_000))));
        }
        return doc;
    }

    private static int insertJobs(MongoCollection<Document> jobs, Random random, int from, int count) {
        for (int n = from; n < from + count; n++) {
            jobs.insertOne(job(random, n));
        }
        return from + count;
    }

    /** Rounds of random writes, each followed by the polls checked against a scan; returns the next job number. */
    private static int randomWritesAndPolls(MongoCollection<Document> jobs, Random random, int next, int rounds) {
        for (int round = 0; round < rounds; round++) {
            String from = STATUSES.get(random.nextInt(STATUSES.size()));
            String to = STATUSES.get(random.nextInt(STATUSES.size()));
            switch (round % 5) {
                case 0 ->
                    jobs.updateMany(
                            and(eq("status", from), Filters.mod("n", 3, random.nextInt(3))), Updates.set("status", to));
                case 1 ->
                    jobs.findOneAndUpdate(
                            eq("n", random.nextInt(next)),
                            random.nextBoolean()
                                    ? Updates.combine(Updates.set("status", to), Updates.unset("callback.dueAt"))
                                    : Updates.set("callback.dueAt", new Date(random.nextInt(2_000_000))));
                case 2 -> jobs.deleteMany(Filters.mod("n", 29, random.nextInt(29)));
                case 3 -> jobs.replaceOne(eq("n", random.nextInt(next)), job(random, -1));
                default -> next = insertJobs(jobs, random, next, 20);
            }
            List<Document> all = jobs.find().into(new ArrayList<>());
            for (String status : STATUSES) {
                assertSameJobs(jobs.find(eq("status", status)), all, d -> status.equals(d.get("status")));
                assertSameJobs(
                        jobs.find(new Document("status", new Document("$eq", status))
                                .append("n", new Document("$gte", 100))),
                        all,
                        d -> status.equals(d.get("status")) && d.getInteger("n") >= 100);
            }
            assertSameJobs(
                    jobs.find(Filters.in("status", from, to)),
                    all,
                    d -> from.equals(d.get("status")) || to.equals(d.get("status")));
            java.util.function.Predicate<Document> due =
                    d -> d.get("callback") instanceof Document c && c.get("dueAt") instanceof Date at && !at.after(NOW);
            assertSameJobs(jobs.find(Filters.lte("callback.dueAt", NOW)), all, due);
            List<Object> firstDue = jobs.find(Filters.lte("callback.dueAt", NOW))
                    .sort(new Document("callback.dueAt", 1))
                    .limit(5)
                    .map(d -> d.get("_id"))
                    .into(new ArrayList<>());
            assertThat(firstDue)
                    .as("round %d: the first five due", round)
                    .isEqualTo(all.stream()
                            .filter(due)
                            .sorted(java.util.Comparator.comparing(
                                    d -> ((Document) d.get("callback")).getDate("dueAt")))
                            .limit(5)
                            .map(d -> d.get("_id"))
                            .toList());
        }
        return next;
    }

    private static void assertSameJobs(
            Iterable<Document> answered, List<Document> all, java.util.function.Predicate<Document> matches) {
        List<Object> got = new ArrayList<>();
        answered.forEach(d -> got.add(d.get("_id")));
        assertThat(got)
                .containsExactlyInAnyOrderElementsOf(
                        all.stream().filter(matches).map(d -> d.get("_id")).toList());
    }
}
