package io.notifyhub.api.job;

import io.notifyhub.model.JobStatus;
import io.notifyhub.model.store.Callback;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * Where a job's status webhook stands, for the console's job page and any client that wants to know.
 *
 * @param url         where the job is POSTed
 * @param state       {@code waiting} (the job is not final yet), {@code due} (a POST is due at {@code dueAt}, the
 *                    first or a retry), {@code delivered} (the target answered 2xx) or {@code given-up} (every try
 *                    failed)
 * @param attempts    POSTs tried so far
 * @param dueAt       when the next POST is due, while {@code due}
 * @param deliveredAt when the target answered 2xx
 * @param lastError   why the last POST failed
 */
@Schema(name = "WebhookState")
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record WebhookView(
        String url,

        @Schema(allowableValues = {"waiting", "due", "delivered", "given-up"})
        String state,

        int attempts,
        Instant dueAt,
        Instant deliveredAt,
        String lastError) {

    static WebhookView of(Callback callback, JobStatus status) {
        if (callback == null) {
            return null;
        }
        return new WebhookView(
                callback.url(),
                state(callback, status),
                callback.attempts(),
                callback.dueAt(),
                callback.deliveredAt(),
                callback.lastError());
    }

    private static String state(Callback callback, JobStatus status) {
        if (callback.deliveredAt() != null) {
            return "delivered";
        }
        if (callback.dueAt() != null) {
            return "due";
        }
        // not due and not delivered: either the job is not final yet, or the dispatcher gave up after its tries
        boolean finalStatus = status == JobStatus.SENT || status == JobStatus.FAILED || status == JobStatus.CANCELLED;
        return finalStatus && callback.attempts() > 0 ? "given-up" : "waiting";
    }
}
