package io.notifyhub.model.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bson.types.ObjectId;

/**
 * What a worker asks of the store: read a job, claim jobs, record the claim holders' outcomes, fail a job no
 * claim can handle, mark a job published. {@link JobStore} is the store's; a worker's tests use a fake.
 */
public interface ClaimStore {

    /** @see JobQueries#find */
    Optional<Job> find(String id);

    /** @see JobClaims#claimAll */
    Map<ObjectId, Job> claimAll(Map<ObjectId, ObjectId> tokens, String worker, Instant now, Duration lease);

    /** @see JobClaims#recordAll */
    Set<ObjectId> recordAll(List<ClaimOutcome> outcomes);

    /** @see JobClaims#failUnclaimed */
    Optional<Job> failUnclaimed(ObjectId id, String reason, Instant now);

    /** @see JobQueries#markPublished(ObjectId, Instant) */
    void markPublished(ObjectId id, Instant at);
}
