package io.notifyhub.worker.provider;

/** What a provider made of one attempt. */
public sealed interface DeliveryResult {

    /** Delivered; {@code providerMessageId} is the provider's id for it. */
    record Sent(String providerMessageId) implements DeliveryResult {
    }

    /** Not delivered this time; another attempt may succeed (timeouts, throttling, 5xx). */
    record Retryable(String reason) implements DeliveryResult {
    }

    /** Never deliverable as it is (invalid recipient, rejected content, bad credentials). */
    record Permanent(String reason) implements DeliveryResult {
    }
}
