package io.notifyhub.model.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One finished delivery attempt, kept in the job's history.
 *
 * @param number    1 for the first attempt
 * @param outcome   how it ended (or {@link AttemptOutcome#REQUEUED} for the mark of a re-queue)
 * @param error     why it did not succeed, or {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Attempt(
        int number,
        Instant startedAt,
        Instant endedAt,
        String worker,
        String provider,
        AttemptOutcome outcome,
        String error) {}
