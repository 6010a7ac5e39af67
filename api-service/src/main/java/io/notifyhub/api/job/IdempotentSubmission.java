package io.notifyhub.api.job;

import io.notifyhub.api.idempotency.IdempotencyKeys;
import io.notifyhub.api.ops.ApiMetrics;
import io.notifyhub.model.store.StoreFailures;
import java.net.URI;
import java.util.function.Function;
import java.util.function.Predicate;
import org.bson.types.ObjectId;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;
import tools.jackson.databind.json.JsonMapper;

/**
 * A submission under an {@code Idempotency-Key}, one job or a batch: the first request stores and its response is
 * kept; a repeat of the same request answers that response again (with {@code Idempotent-Replayed: true}); a
 * repeat while the first is in flight gets 409, a different request under the same key 422. See
 * {@link IdempotencyKeys}.
 */
@Component
class IdempotentSubmission {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final IdempotencyKeys keys;
    private final JsonMapper json;
    private final ApiMetrics metrics;

    IdempotentSubmission(IdempotencyKeys keys, JsonMapper json, ApiMetrics metrics) {
        this.keys = keys;
        this.json = json;
        this.metrics = metrics;
    }

    /**
     * @param key           the request's key, as sent
     * @param fingerprint   what makes two requests the same
     * @param accept        stores the submission under the key's job id (a batch's first id), and answers 201
     * @param nothingStored after a failure, whether no job of the submission is stored (for that id); only then is
     *                      the key freed: after a store timeout, or when a job is there, it stays in flight, and a
     *                      repeat once it times out finishes the request with the same ids rather than storing
     *                      again. A failure to tell keeps the key in flight too.
     * @param location      where a replayed job is ({@code null}: no {@code Location})
     */
    <T> ResponseEntity<?> submit(
            String clientId,
            String key,
            String fingerprint,
            Function<ObjectId, ResponseEntity<T>> accept,
            Predicate<ObjectId> nothingStored,
            Function<ObjectId, URI> location) {
        if (!IdempotencyKeys.isValidKey(key)) {
            throw new InvalidRequestException(IDEMPOTENCY_KEY, "must be 1 to 255 visible ASCII characters");
        }
        String scopedKey = IdempotencyKeys.scoped(clientId, key); // one client's key never meets another's
        return switch (keys.begin(scopedKey, fingerprint)) {
            case IdempotencyKeys.Begin.Proceed proceed -> {
                ResponseEntity<T> created;
                try {
                    created = accept.apply(proceed.jobId());
                } catch (RuntimeException e) {
                    if (!StoreFailures.isUnavailable(e) && nothingStored(nothingStored, proceed.jobId())) {
                        keys.release(scopedKey);
                    }
                    throw e;
                }
                keys.complete(scopedKey, json.writeValueAsString(created.getBody()));
                yield created;
            }
            case IdempotencyKeys.Begin.Replay replay ->
                (location == null
                                ? ResponseEntity.status(HttpStatus.CREATED)
                                : ResponseEntity.created(location.apply(replay.jobId())))
                        .header("Idempotent-Replayed", "true")
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(replay.response());
            case IdempotencyKeys.Begin.InFlight inFlight ->
                throw conflict(
                        HttpStatus.CONFLICT, "A request with this Idempotency-Key is still in flight; retry shortly.");
            case IdempotencyKeys.Begin.Mismatch mismatch ->
                throw conflict(
                        HttpStatus.UNPROCESSABLE_CONTENT, "This Idempotency-Key was used with a different request.");
        };
    }

    private static boolean nothingStored(Predicate<ObjectId> nothingStored, ObjectId id) {
        try {
            return nothingStored.test(id);
        } catch (RuntimeException unknown) {
            return false; // cannot tell: the key stays in flight
        }
    }

    private ErrorResponseException conflict(HttpStatus status, String detail) {
        metrics.rejected(ApiMetrics.Rejection.IDEMPOTENCY_CONFLICT);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle("Idempotency-Key conflict");
        return new ErrorResponseException(status, problem, null);
    }
}
