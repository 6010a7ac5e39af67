package io.notifyhub.localstack;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * MongoDB's TTL monitor, which mongo-java-server lacks: every {@code interval} (MongoDB: 60 s) it looks at each
 * collection's indexes, and for every single-field index with {@code expireAfterSeconds} deletes the documents
 * whose field is a date older than now minus that many seconds (a document without the field, or with a value
 * that is not a date, never expires; an array expires by its earliest date, as {@code $lt} matches it). It runs
 * the store's own {@code listDatabases}, {@code listCollections}, {@code listIndexes} and {@code delete}
 * commands, so it takes the locks any client takes, works alike on both backends, and finds indexes and data a
 * previous run left in a file. Like MongoDB, it reports what it did in {@code serverStatus}:
 * {@code metrics.ttl.deletedDocuments} and {@code metrics.ttl.passes}.
 *
 * <p>The interval is {@code LOCAL_STACK_TTL_INTERVAL} or the system property {@code localstack.ttl.interval}
 * (ISO-8601 or seconds; default 60 s).
 */
final class TtlMonitor implements AutoCloseable {

    static final String PROPERTY = "localstack.ttl.interval";
    static final String ENV = "LOCAL_STACK_TTL_INTERVAL";
    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TtlMonitor.class);

    private final MongoBackend backend;
    private final Clock clock;
    // commands need a channel; this one is the monitor's own, as each client connection has one
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicLong passes = new AtomicLong();
    private final ScheduledExecutorService thread;

    TtlMonitor(MongoBackend backend, Clock clock, Duration interval) {
        this.backend = backend;
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("ttl-monitor").daemon().factory());
        thread.scheduleWithFixedDelay(
                this::passQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The interval the environment or the system property asks for. */
    static Duration configuredInterval() {
        String value = System.getProperty(PROPERTY, System.getenv(ENV));
        if (value == null || value.isBlank()) {
            return DEFAULT_INTERVAL;
        }
        Duration interval = value.chars().allMatch(Character::isDigit)
                ? Duration.ofSeconds(Long.parseLong(value))
                : Duration.parse(value);
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException(PROPERTY + " must be positive: " + value);
        }
        return interval;
    }

    /** Adds {@code metrics.ttl} to a {@code serverStatus} answer. */
    void addTo(Document serverStatus) {
        Object metrics = serverStatus.get("metrics");
        Document all = metrics instanceof Document document ? document : new Document();
        all.put("ttl", new Document("deletedDocuments", deleted.get()).append("passes", passes.get()));
        serverStatus.put("metrics", all);
    }

    long deletedDocuments() {
        return deleted.get();
    }

    private void passQuietly() {
        try {
            pass();
        } catch (RuntimeException e) {
            log.warn("TTL pass failed: {}", e.toString());
        }
    }

    /** One pass over every TTL index; returns how many documents it deleted. */
    synchronized long pass() {
        long removed = 0;
        for (String database : names(command("admin", new Document("listDatabases", 1)), "databases")) {
            if ("admin".equals(database) || "local".equals(database) || "config".equals(database)) {
                continue;
            }
            Document collections = command(database, new Document("listCollections", 1));
            for (String collection : names(firstBatch(collections), null)) {
                for (Document index : firstBatch(command(database, new Document("listIndexes", collection)))) {
                    removed += expire(database, collection, index);
                }
            }
        }
        passes.incrementAndGet();
        deleted.addAndGet(removed);
        return removed;
    }

    private long expire(String database, String collection, Document index) {
        if (!(index.get("expireAfterSeconds") instanceof Number seconds)
                || !(index.get("key") instanceof Document key)
                || key.size() != 1) {
            return 0; // MongoDB expires by single-field indexes only
        }
        String field = key.keySet().iterator().next();
        // the store keeps BSON dates as Instants
        Instant cutoff = clock.instant().minusMillis(Math.round(seconds.doubleValue() * 1000));
        Document delete = new Document("delete", collection)
                .append(
                        "deletes",
                        List.of(new Document("q", new Document(field, new Document("$lt", cutoff)))
                                .append("limit", 0)));
        Document answer = command(database, delete);
        return answer.get("n") instanceof Number n ? n.longValue() : 0;
    }

    private Document command(String database, Document command) {
        String name = command.keySet().iterator().next();
        return backend.handleCommand(channel, database, name, command);
    }

    @SuppressWarnings("unchecked")
    private static List<Document> firstBatch(Document answer) {
        if (answer.get("cursor") instanceof Document cursor && cursor.get("firstBatch") instanceof List<?> batch) {
            return (List<Document>) batch;
        }
        return List.of();
    }

    /** The {@code name} of each document, from a list in {@code answer} (or the list itself). */
    @SuppressWarnings("unchecked")
    private static List<String> names(Object answer, String listField) {
        Object list = listField == null ? answer : ((Document) answer).get(listField);
        List<String> names = new ArrayList<>();
        if (list instanceof List<?> documents) {
            for (Document document : (List<Document>) documents) {
                if (document.get("name") instanceof String name) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        channel.close();
    }
}
