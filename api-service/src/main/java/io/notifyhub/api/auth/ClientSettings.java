package io.notifyhub.api.auth;

import java.time.Instant;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.PersistenceCreator;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * What is kept per client: the webhook its jobs get when they carry no {@code callbackUrl}, its webhook signing
 * secret (and, for an overlap after a rotation, the one before it), and the email senders an admin verified for
 * it. The secrets are stored as they are: an HMAC needs them, so they cannot be hashed like API keys; protect the
 * store accordingly.
 *
 * @param webhookSecret         signs the client's webhooks; generated when first needed
 * @param previousWebhookSecret the secret before the last rotation; it signs too until {@code previousSecretUntil}
 * @param senders               verified senders: exact addresses ({@code team@example.com}) or whole domains
 *                              ({@code example.com}), in lower case
 * @param retentionSeconds      how long the client's finished jobs are kept, when not the default
 */
@Document(ClientSettings.COLLECTION)
public record ClientSettings(
        @Id String clientId,
        String callbackUrl,
        String webhookSecret,
        String previousWebhookSecret,
        Instant previousSecretUntil,
        List<String> senders,
        Instant updatedAt,
        Long retentionSeconds) {

    public static final String COLLECTION = "api_clients";

    @PersistenceCreator
    public ClientSettings {
        senders = senders == null ? List.of() : List.copyOf(senders);
    }

    /** No settings yet. */
    static ClientSettings none(String clientId) {
        return new ClientSettings(clientId, null, null, null, null, List.of(), null, null);
    }
}
