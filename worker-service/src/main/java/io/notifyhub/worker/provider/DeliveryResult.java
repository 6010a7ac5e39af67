package io.notifyhub.worker.provider;

import java.time.Duration;

/** What a provider made of one attempt. */
public sealed interface DeliveryResult {

    /** Delivered; {@code providerMessageId} is the provider's id for it. */
    record Sent(String providerMessageId) implements DeliveryResult {}

    /**
     * Not delivered this time; another attempt may succeed (timeouts, throttling, 5xx).
     *
     * @param retryAfter how long the provider asked us to wait (a 429's {@code Retry-After}), or null
     */
    record Retryable(String reason, Duration retryAfter) implements DeliveryResult {

        public Retryable(String reason) {
            this(reason, null);
        }
    }

    /** Never deliverable as it is (invalid recipient, rejected content, bad credentials). */
    record Permanent(String reason) implements DeliveryResult {}
}
