package io.notifyhub.worker.delivery;

import io.notifyhub.model.Priority;
import io.notifyhub.model.store.ClaimOutcome;
import io.notifyhub.model.store.ClaimStore;
import io.notifyhub.model.store.Job;
import io.notifyhub.worker.config.WorkerProperties;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's claims and outcome writes, each grouped with those of the other deliveries waiting at the same time
 * into one store call ({@link GroupedCalls}), and repeated while the store is unreachable ({@link StoreRetry}).
 */
final class GroupedStoreCalls implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupedStoreCalls.class);
    /**
     * Outcome writes: at most this many in one bulk write, and this many bulk writes at once. Outcomes wait for
     * a write only while the store is busy with the previous ones, so the sizes bound a burst, not a steady rate.
     */
    private static final int OUTCOMES_PER_WRITE = 256;

    private static final int OUTCOME_WRITERS = 2;

    private final ClaimStore store;
    private final WorkerProperties properties;
    private final StoreRetry storeRetry;
    private final Clock clock;
    /** Claims, grouped into one store call per lane at a time: a high job's claim never waits behind normal ones. */
    private final GroupedCalls<Claim, Optional<Job>> claims;

    private final GroupedCalls<Claim, Optional<Job>> priorityClaims;
    /** Outcomes of every lane, grouped into bulk writes; true: recorded, false: the claim was lost. */
    private final GroupedCalls<ClaimOutcome, Boolean> outcomes;

    GroupedStoreCalls(ClaimStore store, WorkerProperties properties, StoreRetry storeRetry, Clock clock) {
        this.store = store;
        this.properties = properties;
        this.storeRetry = storeRetry;
        this.clock = clock;
        this.claims = new GroupedCalls<>("claims", properties.claimConcurrency(), 1, this::claimAll);
        this.priorityClaims = new GroupedCalls<>("priority-claims", properties.claimConcurrency(), 1, this::claimAll);
        this.outcomes = new GroupedCalls<>("outcomes", OUTCOMES_PER_WRITE, OUTCOME_WRITERS, this::recordAll);
    }

    @Override
    public void close() {
        claims.close();
        priorityClaims.close();
        outcomes.close();
    }

    /**
     * Claims the job, with the claims of the other deliveries waiting at the same time in the same store call,
     * at most {@code claim-concurrency} in one call and one call per lane at a time. The other deliveries wait
     * here, before their job is theirs: while the store is the bottleneck, about as many jobs per worker are
     * sent but not yet recorded as there are claims at once, and those are the ones sent again if the worker
     * dies.
     */
    Optional<Job> claim(ObjectId id, Priority lane) {
        GroupedCalls<Claim, Optional<Job>> calls = lane == Priority.HIGH ? priorityClaims : claims;
        // one token for every try: a claim the store wrote but did not answer in time is this delivery's still
        Claim claim = new Claim(id, new ObjectId());
        return storeRetry.call("claim job " + id, () -> calls.call(claim));
    }

    /** A delivery's claim of a job, named by a token of its own. */
    private record Claim(ObjectId id, ObjectId token) {}

    /** One store call for a batch of claims; a job with two messages in it is claimed for the first only. */
    private List<Optional<Job>> claimAll(List<Claim> batch) {
        Map<ObjectId, ObjectId> tokens = new HashMap<>();
        batch.forEach(claim -> tokens.putIfAbsent(claim.id(), claim.token()));
        Map<ObjectId, Job> claimed = store.claimAll(tokens, properties.id(), clock.instant(), properties.lease());
        return batch.stream()
                .map(claim -> claim.token().equals(tokens.get(claim.id()))
                        ? Optional.ofNullable(claimed.get(claim.id()))
                        : Optional.<Job>empty())
                .toList();
    }

    /**
     * Records the claim holder's outcome, in a bulk write with those of other deliveries ending at the same time.
     *
     * @return false when the lease expired and another worker claimed the job: the outcome was not recorded
     */
    boolean record(String what, ClaimOutcome outcome) {
        boolean written = storeRetry.call(what, () -> outcomes.call(outcome));
        if (!written) {
            Job job = outcome.claimed();
            log.warn("Lost the claim on job {} (attempt {}) before recording its outcome", job.idHex(), job.attempts());
        }
        return written;
    }

    private List<Boolean> recordAll(List<ClaimOutcome> batch) {
        Set<ObjectId> lost = store.recordAll(batch);
        return batch.stream()
                .map(outcome -> !lost.contains(outcome.claimed().id()))
                .toList();
    }
}
