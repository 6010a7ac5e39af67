package io.notifyhub.model.store;

import io.notifyhub.model.Channel;
import io.notifyhub.model.JobStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.bson.types.ObjectId;

/**
 * A page of jobs, newest first (ties broken by id): every filter optional, {@code after} the position of
 * the last job of the previous page.
 *
 * @param recipient an email address, a phone number or a device token, whichever the job's channel uses
 * @param clientId  only this client's jobs; {@code null} for every client's
 */
public record JobQuery(
        JobStatus status,
        Channel type,
        Instant createdAfter,
        Instant createdBefore,
        String recipient,
        Cursor after,
        int limit,
        String clientId) {

    public JobQuery(
            JobStatus status,
            Channel type,
            Instant createdAfter,
            Instant createdBefore,
            String recipient,
            Cursor after,
            int limit) {
        this(status, type, createdAfter, createdBefore, recipient, after, limit, null);
    }

    /** The same query, limited to one client's jobs ({@code null}: every client's). */
    public JobQuery forClient(String client) {
        return new JobQuery(status, type, createdAfter, createdBefore, recipient, after, limit, client);
    }

    /** A position in the newest-first order; opaque to clients. */
    public record Cursor(Instant createdAt, ObjectId id) {

        public static Cursor of(Job job) {
            return new Cursor(job.createdAt(), job.id());
        }

        public String encode() {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(
                            (createdAt.toEpochMilli() + "." + id.toHexString()).getBytes(StandardCharsets.US_ASCII));
        }

        /**
         * @throws IllegalArgumentException when the text is not a cursor this service made
         */
        public static Cursor decode(String text) {
            String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII).split("\\.");
            if (parts.length != 2 || !ObjectId.isValid(parts[1])) {
                throw new IllegalArgumentException("not a cursor");
            }
            return new Cursor(Instant.ofEpochMilli(Long.parseLong(parts[0])), new ObjectId(parts[1]));
        }
    }
}
