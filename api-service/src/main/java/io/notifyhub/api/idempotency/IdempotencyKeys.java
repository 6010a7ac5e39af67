package io.notifyhub.api.idempotency;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import io.notifyhub.model.store.IndexCreation;
import java.time.Clock;
import java.time.Instant;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Component;

/**
 * {@code Idempotency-Key} bookkeeping (IETF httpapi Idempotency-Key draft): the first request with a key
 * proceeds with a job id fixed for that key; a repeat gets the first response, a different request with
 * the same key {@code 422}, a repeat while the first is in flight {@code 409}. Keys expire after
 * {@code notifyhub.idempotency.ttl}: removed by a TTL index (the store's monitor passes once a minute), and
 * refused by the check here meanwhile.
 */
@Component
@EnableConfigurationProperties(IdempotencyProperties.class)
public class IdempotencyKeys {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyKeys.class);

    private final MongoOperations mongo;
    private final IdempotencyProperties properties;
    private final Clock clock;

    IdempotencyKeys(MongoOperations mongo, IdempotencyProperties properties, Clock clock) {
        this.mongo = mongo;
        this.properties = properties;
        this.clock = clock;
    }

    /** The TTL index that removes expired keys. */
    @EventListener(ApplicationReadyEvent.class)
    void createIndexes() {
        IndexCreation.createOrLater(
                log,
                "idempotency key index",
                () -> mongo.indexOps(IdempotencyRecord.class)
                        .createIndex(
                                new Index().on("createdAt", Sort.Direction.ASC).expire(properties.ttl())));
    }

    /** What to do with a request that carries a key. */
    public sealed interface Begin {
        /** Go ahead, creating the job with this id. */
        record Proceed(ObjectId jobId) implements Begin {}

        /** Answer again what was answered the first time. */
        record Replay(ObjectId jobId, String response) implements Begin {}

        /** The first request with this key is still in flight. */
        record InFlight() implements Begin {}

        /** The key was used with a different request. */
        record Mismatch() implements Begin {}
    }

    public Begin begin(String key, String requestHash) {
        Instant now = clock.instant();
        IdempotencyRecord fresh = new IdempotencyRecord(
                key, requestHash, new ObjectId(), now, now.plus(properties.inFlightTimeout()), null);
        try {
            mongo.insert(fresh);
            return new Begin.Proceed(fresh.jobId());
        } catch (DuplicateKeyException used) {
            IdempotencyRecord existing = mongo.findById(key, IdempotencyRecord.class);
            if (existing == null || existing.createdAt().isBefore(now.minus(properties.ttl()))) {
                return restart(key, fresh, existing);
            }
            if (!existing.requestHash().equals(requestHash)) {
                return new Begin.Mismatch();
            }
            if (existing.response() != null) {
                return new Begin.Replay(existing.jobId(), existing.response());
            }
            if (existing.lockedUntil().isAfter(now)) {
                return new Begin.InFlight();
            }
            return takeOver(existing, now);
        }
    }

    /** The first request died mid-way: the next one finishes it, with the same job id. */
    private Begin takeOver(IdempotencyRecord abandoned, Instant now) {
        Query stillAbandoned = Query.query(where("_id")
                .is(abandoned.key())
                .and("response")
                .is(null)
                .and("lockedUntil")
                .is(abandoned.lockedUntil()));
        IdempotencyRecord taken = mongo.findAndModify(
                stillAbandoned,
                Update.update("lockedUntil", now.plus(properties.inFlightTimeout())),
                FindAndModifyOptions.options().returnNew(true),
                IdempotencyRecord.class);
        return taken == null ? new Begin.InFlight() : new Begin.Proceed(taken.jobId());
    }

    /** An expired key (not yet removed by the TTL index) starts over as if new. */
    private Begin restart(String key, IdempotencyRecord fresh, IdempotencyRecord expired) {
        Criteria same = expired == null
                ? where("_id").is(key)
                : where("_id").is(key).and("createdAt").is(expired.createdAt());
        mongo.remove(Query.query(same), IdempotencyRecord.class);
        try {
            mongo.insert(fresh);
            return new Begin.Proceed(fresh.jobId());
        } catch (DuplicateKeyException raced) {
            return new Begin.InFlight();
        }
    }

    /** Keeps the response to replay. */
    public void complete(String key, String response) {
        mongo.updateFirst(
                Query.query(where("_id").is(key)), Update.update("response", response), IdempotencyRecord.class);
    }

    /** The request failed before it was answered: the key is free to be used again. */
    public void release(String key) {
        mongo.remove(Query.query(where("_id").is(key).and("response").is(null)), IdempotencyRecord.class);
    }

    /** The key as stored: a client's keys live apart from every other client's. */
    public static String scoped(String clientId, String key) {
        return clientId + " " + key; // a space never occurs in a valid key, so two pairs never collide
    }

    /** Whether a header value is usable as a key. */
    public static boolean isValidKey(String key) {
        return key != null
                && !key.isEmpty()
                && key.length() <= 255
                && key.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }
}
