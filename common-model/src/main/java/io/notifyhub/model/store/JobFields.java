package io.notifyhub.model.store;

import java.util.List;

/**
 * The field names of a stored job ({@link Job}), for queries and updates written by hand. A name used in a filter
 * or an update is one of these, never a bare string.
 */
public final class JobFields {

    public static final String ID = "_id";
    public static final String TYPE = "type";
    public static final String PAYLOAD = "payload";
    public static final String STATUS = "status";
    public static final String ATTEMPTS = "attempts";
    public static final String ERROR = "error";
    public static final String CREATED_AT = "createdAt";
    public static final String UPDATED_AT = "updatedAt";
    public static final String PUBLISHED_AT = "publishedAt";
    public static final String CLAIMED_BY = "claimedBy";
    public static final String CLAIMED_AT = "claimedAt";
    public static final String LEASE_UNTIL = "leaseUntil";
    public static final String PROVIDER = "provider";
    public static final String PROVIDER_MESSAGE_ID = "providerMessageId";
    public static final String HISTORY = "history";
    public static final String CLIENT_ID = "clientId";
    public static final String SCHEDULED_AT = "scheduledAt";
    /** When a finished job is removed: a TTL index on it ({@code expireAfterSeconds: 0}). */
    public static final String EXPIRES_AT = "expiresAt";
    /** A job's own retention (its client's), in seconds; without it the store's default applies. */
    public static final String RETENTION = "retentionSeconds";
    /** Written by a batch claim to find the jobs it claimed; not part of {@link Job}. */
    public static final String CLAIM_TOKEN = "claimToken";

    public static final String CALLBACK_URL = "callback.url";
    public static final String CALLBACK_DUE = "callback.dueAt";
    public static final String CALLBACK_ATTEMPTS = "callback.attempts";
    public static final String CALLBACK_DELIVERED_AT = "callback.deliveredAt";
    public static final String CALLBACK_LAST_ERROR = "callback.lastError";

    /** Where each channel's payload keeps its recipient: email address, phone number, device token. */
    public static final List<String> RECIPIENT_FIELDS = List.of("payload.recipient", "payload.phone", "payload.token");

    /** What a claim writes and its end (an outcome, a release) removes. */
    static final List<String> CLAIM = List.of(LEASE_UNTIL, CLAIMED_BY, CLAIMED_AT, CLAIM_TOKEN);

    private JobFields() {}
}
