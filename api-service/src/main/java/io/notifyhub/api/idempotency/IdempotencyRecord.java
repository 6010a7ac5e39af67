package io.notifyhub.api.idempotency;

import java.time.Instant;
import org.bson.types.ObjectId;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * One {@code Idempotency-Key} as used: the request it was used with (a hash), the job id chosen for it,
 * and once the request is done, the response to replay.
 *
 * @param lockedUntil while {@code response} is null, the request is in flight until then; after it, the
 *                    request is taken to have died and the key may be taken over
 * @param response    the JSON body of the {@code 201}, once answered
 */
@Document(IdempotencyRecord.COLLECTION)
record IdempotencyRecord(
        @Id String key, String requestHash, ObjectId jobId, Instant createdAt, Instant lockedUntil, String response) {

    static final String COLLECTION = "idempotency_keys";
}
