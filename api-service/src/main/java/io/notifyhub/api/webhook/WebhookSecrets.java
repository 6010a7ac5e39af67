package io.notifyhub.api.webhook;

import java.util.Optional;

/**
 * The key a webhook is signed with. One secret for every client today (from {@code NOTIFYHUB_WEBHOOK_SECRET});
 * per-client secrets can come later behind the same method.
 */
public interface WebhookSecrets {

    /**
     * @param clientId the client that created the job, or {@code null} for a job of no client
     * @return the key, or empty when webhooks for this client go unsigned
     */
    Optional<byte[]> secretFor(String clientId);
}
