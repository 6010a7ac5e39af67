package io.notifyhub.model.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One finished delivery attempt, kept in the job's history.
 *
 * @param number    1 for the first attempt
 * @param outcome   {@link #SENT}, {@link #RETRY}, {@link #FAILED}, or {@link #LOST} when the worker holding the
 *                  claim vanished before recording an outcome, or {@link #REQUEUED} for the mark of a re-queue
 * @param error     why it did not succeed, or {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Attempt(
        int number, Instant startedAt, Instant endedAt, String worker, String provider, String outcome, String error) {

    public static final String SENT = "sent";
    public static final String RETRY = "retry";
    public static final String FAILED = "failed";
    public static final String LOST = "lost";
    /** Not an attempt: the mark left where a failed job was re-queued by hand (its attempts start again from 0). */
    public static final String REQUEUED = "requeued";
}
