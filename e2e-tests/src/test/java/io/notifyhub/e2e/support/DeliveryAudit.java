package io.notifyhub.e2e.support;

import static com.mongodb.client.model.Filters.in;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * After a run under faults: what became of every accepted job (from the store) and what the provider
 * delivered (from the simulated provider's record file), and the checks the promises make of them.
 */
public final class DeliveryAudit implements AutoCloseable {

    private final MongoClient client;
    private final MongoCollection<Document> jobs;

    public DeliveryAudit(String mongoUri) {
        this.client = MongoClients.create(mongoUri);
        this.jobs =
                client.getDatabase(new ConnectionString(mongoUri).getDatabase()).getCollection("jobs");
    }

    /** What the audit found. {@code repeats}: provider calls its idempotency key absorbed. */
    public record Figures(
            int accepted,
            long sent,
            long failed,
            long duplicates,
            long lost,
            long stuck,
            long repeats,
            long unexplainedRepeats,
            long sentWithout201,
            Collection<Document> jobs) {

        public String line() {
            return "accepted=%d sent=%d failed=%d duplicates=%d lost=%d stuck=%d sent-without-201=%d repeats-absorbed-by-idempotency-key=%d"
                    .formatted(accepted, sent, failed, duplicates, lost, stuck, sentWithout201, repeats);
        }

        /**
         * Nothing accepted lost or left processing, nothing delivered twice, every repeat explained; and when
         * every submission was answered 201 in the end, no job was sent that no 201 named (one submission
         * would then have made two jobs).
         */
        public void assertPromisesKept(int atLeastAccepted, int refused) {
            if (refused == 0) {
                assertThat(sentWithout201)
                        .as("jobs sent that no 201 named, though every submission got one")
                        .isZero();
            }
            assertThat(accepted).as("jobs accepted").isGreaterThanOrEqualTo(atLeastAccepted);
            assertThat(lost).as("accepted jobs not sent or failed").isZero();
            assertThat(stuck).as("jobs left processing").isZero();
            assertThat(duplicates)
                    .as("jobs delivered more than once, counted at the provider")
                    .isZero();
            assertThat(unexplainedRepeats)
                    .as("provider asked again for a job no worker died holding")
                    .isZero();
        }
    }

    /** Waits (bounded) until every accepted job is sent or failed, and a little more for stragglers. */
    public void awaitFinished(Set<String> accepted, Duration atMost) throws InterruptedException {
        List<ObjectId> ids = accepted.stream().map(ObjectId::new).toList();
        long deadline = System.nanoTime() + atMost.toNanos();
        while (finished(ids) < ids.size() && System.nanoTime() < deadline) {
            TimeUnit.SECONDS.sleep(1);
        }
        TimeUnit.SECONDS.sleep(2);
    }

    private long finished(List<ObjectId> ids) {
        long done = 0;
        for (int i = 0; i < ids.size(); i += 1000) {
            done += jobs.countDocuments(new Document(
                            "_id", new Document("$in", ids.subList(i, Math.min(ids.size(), i + 1000))))
                    .append("status", new Document("$in", List.of("sent", "failed"))));
        }
        return done;
    }

    public Figures audit(Set<String> accepted, Path providerRecord) throws IOException {
        List<ObjectId> ids = accepted.stream().map(ObjectId::new).toList();
        Map<String, Document> byId = new HashMap<>();
        for (int i = 0; i < ids.size(); i += 1000) {
            jobs.find(in("_id", ids.subList(i, Math.min(ids.size(), i + 1000))))
                    .forEach(job -> byId.put(job.getObjectId("_id").toHexString(), job));
        }
        Map<String, Long> status = byId.values().stream()
                .collect(Collectors.groupingBy(job -> job.getString("status"), Collectors.counting()));
        long sent = status.getOrDefault("sent", 0L);
        long failed = status.getOrDefault("failed", 0L);

        // one line per delivery, and "repeat" lines for the repeats the provider's idempotency key absorbed
        List<String[]> lines = Files.readAllLines(providerRecord).stream()
                .filter(line -> !line.isBlank())
                .map(line -> line.split(" "))
                .toList();
        Map<String, Long> deliveries = lines.stream()
                .filter(parts -> parts.length == 3)
                .collect(Collectors.groupingBy(parts -> parts[0], Collectors.counting()));
        long twice = deliveries.values().stream().filter(count -> count > 1).count();
        List<String> repeats = lines.stream()
                .filter(parts -> parts.length == 4)
                .map(parts -> parts[0])
                .toList();
        // a repeat is only allowed for a job whose worker died holding it: a claim with no recorded outcome
        List<String> unexplained = new ArrayList<>(repeats.stream()
                .filter(id -> !byId.containsKey(id) || !lostAClaim(byId.get(id)))
                .toList());
        unexplained.stream()
                .limit(10)
                .forEach(id -> System.out.printf(
                        "audit: unexplained repeat %s history %s%n",
                        id, byId.containsKey(id) ? byId.get(id).get("history") : "-"));
        long sentWithout201 =
                deliveries.keySet().stream().filter(id -> !byId.containsKey(id)).count();
        return new Figures(
                accepted.size(),
                sent,
                failed,
                twice,
                accepted.size() - sent - failed,
                status.getOrDefault("processing", 0L),
                repeats.size(),
                unexplained.size(),
                sentWithout201,
                List.copyOf(byId.values()));
    }

    /** Whether a claim on the job ended without an outcome: recorded as lost, or counted but never recorded. */
    private static boolean lostAClaim(Document job) {
        List<Document> history = job.getList("history", Document.class, List.of());
        long recorded = history.stream()
                .filter(attempt -> !"lost".equals(attempt.getString("outcome")))
                .count();
        return history.size() > recorded || job.getInteger("attempts", 0) > recorded;
    }

    @Override
    public void close() {
        client.close();
    }
}
