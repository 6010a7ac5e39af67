package io.notifyhub.model.ratelimit;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AbstractCompareAndSwapBasedProxyManager;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AsyncCompareAndSwapOperation;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.CompareAndSwapOperation;
import io.github.bucket4j.distributed.remote.RemoteBucketState;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.types.Binary;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

/**
 * Bucket4j buckets kept in MongoDB, so a limit holds across every replica: each bucket is one document
 * {@code {_id: key, state: <bucket4j state>, expiresAt}}, changed by compare-and-swap on its state (a
 * conditional update; an insert for a new bucket, where a duplicate key means another replica won). Bucket4j
 * has no MongoDB back end of its own; this is the adapter its docs suggest writing.
 */
public final class MongoBucketProxyManager extends AbstractCompareAndSwapBasedProxyManager<String> {

    public static final String COLLECTION = "rate_limits";

    private final MongoOperations mongo;

    public MongoBucketProxyManager(MongoOperations mongo, ClientSideConfig config) {
        super(config);
        this.mongo = mongo;
    }

    /** A TTL index, so buckets not touched for a while disappear (a full bucket is the same as none). */
    public static void createIndexes(MongoOperations mongo) {
        mongo.indexOps(COLLECTION)
                .createIndex(new Index()
                        .on("expiresAt", org.springframework.data.domain.Sort.Direction.ASC)
                        .expire(0, TimeUnit.SECONDS));
    }

    @Override
    protected CompareAndSwapOperation beginCompareAndSwapOperation(String key) {
        return new CompareAndSwapOperation() {
            @Override
            public Optional<byte[]> getStateData(Optional<Long> timeoutNanos) {
                Query query = Query.query(where("_id").is(key));
                query.fields().include("state");
                Document doc = mongo.findOne(query, Document.class, COLLECTION);
                return Optional.ofNullable(doc)
                        .map(d -> d.get("state", Binary.class))
                        .map(Binary::getData);
            }

            @Override
            public boolean compareAndSwap(
                    byte[] original, byte[] updated, RemoteBucketState newState, Optional<Long> timeoutNanos) {
                Date expiresAt = expiry(newState);
                if (original == null) {
                    try {
                        mongo.insert(
                                new Document("_id", key)
                                        .append("state", new Binary(updated))
                                        .append("expiresAt", expiresAt),
                                COLLECTION);
                        return true;
                    } catch (DuplicateKeyException anotherReplicaWon) {
                        return false;
                    }
                }
                return mongo.updateFirst(
                                        Query.query(where("_id")
                                                .is(key)
                                                .and("state")
                                                .is(new Binary(original))),
                                        Update.update("state", new Binary(updated))
                                                .set("expiresAt", expiresAt),
                                        COLLECTION)
                                .getModifiedCount()
                        == 1;
            }
        };
    }

    private Date expiry(RemoteBucketState state) {
        long now = currentTimeNanos();
        long refillNanos = state.calculateFullRefillingTime(now);
        return new Date(TimeUnit.NANOSECONDS.toMillis(System.currentTimeMillis() * 1_000_000L + refillNanos) + 60_000);
    }

    @Override
    protected AsyncCompareAndSwapOperation beginAsyncCompareAndSwapOperation(String key) {
        throw new UnsupportedOperationException("only the synchronous API is used");
    }

    @Override
    public void removeProxy(String key) {
        mongo.remove(Query.query(where("_id").is(key)), COLLECTION);
    }

    @Override
    protected CompletableFuture<Void> removeAsync(String key) {
        return CompletableFuture.runAsync(() -> removeProxy(key));
    }

    @Override
    public boolean isAsyncModeSupported() {
        return false;
    }
}
