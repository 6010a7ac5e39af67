package io.notifyhub.api.auth;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * What an admin set for a client: the webhook its jobs get when they carry no {@code callbackUrl}, and the key
 * its webhooks are signed with (instead of {@code NOTIFYHUB_WEBHOOK_SECRET}). The key is stored as given: an
 * HMAC needs it, so it cannot be hashed like an API key; protect the store accordingly.
 */
@Document(ClientSettings.COLLECTION)
public record ClientSettings(@Id String clientId, String callbackUrl, String webhookSecret, Instant updatedAt) {

    public static final String COLLECTION = "api_clients";
}
