package io.notifyhub.api.webhook;

import java.util.List;

/**
 * The secrets a webhook is signed with: the client's own (generated when first needed), and for an overlap after
 * a rotation also the one before it, so each signs and a receiver holding either accepts the webhook.
 */
public interface WebhookSecrets {

    /**
     * @param clientId the client that created the job, or {@code null} for a job of no client
     * @return the secrets, newest first; empty when the webhook goes unsigned
     */
    List<byte[]> secretsFor(String clientId);
}
