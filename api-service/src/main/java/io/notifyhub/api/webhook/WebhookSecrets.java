package io.notifyhub.api.webhook;

import java.util.Optional;

/**
 * The key a webhook is signed with: the client's own when an admin set one ({@code PUT /api/admin/clients/{id}}),
 * else the service's ({@code NOTIFYHUB_WEBHOOK_SECRET}).
 */
public interface WebhookSecrets {

    /**
     * @param clientId the client that created the job, or {@code null} for a job of no client
     * @return the key, or empty when webhooks for this client go unsigned
     */
    Optional<byte[]> secretFor(String clientId);
}
