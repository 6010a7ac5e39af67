package io.notifyhub.worker.provider.chain;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.bson.Document;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

/**
 * Rate limits that hold across every worker: one document per key in the {@code rate_limits} collection,
 * updated by compare-and-set, so no two workers spend the same permit.
 *
 * <p>The algorithm is GCRA (the generic cell rate algorithm, a token bucket that stores a single number):
 * the document holds the "theoretical arrival time" {@code tat}. A send is allowed when
 * {@code max(tat, now) + interval <= now + period}, and moves {@code tat} forward by one interval
 * ({@code period / permits}). That allows bursts of up to {@code permits} and {@code permits} per
 * {@code period} on average, and tells a refused caller exactly how long to wait.
 */
public class SharedRateLimiter {

    static final String COLLECTION = "rate_limits";
    private static final int CONTENDED_TRIES = 8;

    private final MongoOperations mongo;
    private final Clock clock;

    public SharedRateLimiter(MongoOperations mongo, Clock clock) {
        this.mongo = mongo;
        this.clock = clock;
    }

    /**
     * Takes one permit for {@code key} if there is one.
     *
     * @return zero when the permit was taken, otherwise how long until one is free
     */
    public Duration tryAcquire(String key, ResilienceProperties.Limit limit) {
        long period = micros(limit.per());
        long interval = Math.max(1, period / limit.permits());
        for (int tries = 0; tries < CONTENDED_TRIES; tries++) {
            long now = micros(clock.instant());
            Document current = mongo.findById(key, Document.class, COLLECTION);
            Long stored = current == null ? null : ((Number) current.get("tat")).longValue();
            long tat = Math.max(stored == null ? now : stored, now) + interval;
            if (tat - now > period) {
                return Duration.of(tat - period - now, ChronoUnit.MICROS);
            }
            if (stored == null) {
                try {
                    mongo.insert(new Document("_id", key).append("tat", tat), COLLECTION);
                    return Duration.ZERO;
                } catch (DuplicateKeyException raced) {
                    continue;
                }
            }
            long updated = mongo.updateFirst(new Query(where("_id").is(key).and("tat").is(stored)),
                    new Update().set("tat", tat), COLLECTION).getModifiedCount();
            if (updated == 1) {
                return Duration.ZERO;
            }
        }
        // lost every race: other workers are taking the permits right now; come back after one interval
        return Duration.of(interval, ChronoUnit.MICROS);
    }

    private static long micros(Duration duration) {
        return duration.toNanos() / 1_000;
    }

    private static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }
}
