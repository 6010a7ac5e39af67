package io.notifyhub.model.store;

import java.time.Instant;
import org.springframework.data.annotation.PersistenceCreator;

/**
 * Where and how a job's status webhook goes. The webhook is due once the job reaches a final status;
 * {@code dueAt} is set in the same update that makes the job final, so no outcome can miss its webhook.
 *
 * @param url         where the job is POSTed
 * @param attempts    POSTs tried so far
 * @param dueAt       when the next POST is due; {@code null} while the job is not final, or once delivered or given up
 * @param deliveredAt when the target answered 2xx
 * @param lastError   why the last POST failed
 */
public record Callback(String url, int attempts, Instant dueAt, Instant deliveredAt, String lastError) {

    public static Callback to(String url) {
        return new Callback(url, 0, null, null, null);
    }

    /** Read from the store, where a re-queue unsets {@code attempts} (a $set could create a url-less callback). */
    @PersistenceCreator
    static Callback stored(String url, Integer attempts, Instant dueAt, Instant deliveredAt, String lastError) {
        return new Callback(url, attempts == null ? 0 : attempts, dueAt, deliveredAt, lastError);
    }
}
