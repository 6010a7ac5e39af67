package io.notifyhub.api.webhook;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Status webhooks. The signing secret is not here: it comes from the environment only
 * ({@code NOTIFYHUB_WEBHOOK_SECRET}, see {@link WebhookSecrets}).
 *
 * @param enabled             whether this replica POSTs due webhooks (any number of replicas may; a lease per
 *                            webhook keeps them apart)
 * @param allowPrivateTargets whether a webhook may go to special-purpose addresses (loopback, private, link-local,
 *                            CGNAT, multicast, reserved, documentation, NAT64, 6to4, ...); off, they are refused
 *                            (server-side request forgery). Tests and webhooks to your own network only
 * @param resolveTimeout      how long the name of a webhook target may take to resolve; one that does not resolve
 *                            in time is refused
 * @param secretOverlap       after a client's signing secret is rotated, how long the previous one signs too
 * @param pollInterval        pause between two looks for due webhooks
 * @param batch               due webhooks taken per look
 * @param concurrency         POSTs in flight at once; a slow target holds one slot, never the others
 * @param connectTimeout      to connect to a target
 * @param readTimeout         for a target to answer once connected
 * @param lease               how long one replica holds a webhook it is POSTing; after it, another may try.
 *                            Longer than connect and read timeouts together
 * @param maxAttempts         POSTs before a webhook is given up
 * @param initialBackoff      wait after the first failed POST; doubled after each further one
 * @param maxBackoff          the longest wait between two POSTs
 */
@ConfigurationProperties("notifyhub.webhooks")
public record WebhookProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("false") boolean allowPrivateTargets,
        @DefaultValue("1s") Duration resolveTimeout,
        @DefaultValue("24h") Duration secretOverlap,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("100") int batch,
        @DefaultValue("32") int concurrency,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("5s") Duration readTimeout,
        @DefaultValue("1m") Duration lease,
        @DefaultValue("10") int maxAttempts,
        @DefaultValue("5s") Duration initialBackoff,
        @DefaultValue("15m") Duration maxBackoff) {

    public WebhookProperties {
        if (lease.compareTo(connectTimeout.plus(readTimeout)) <= 0) {
            throw new IllegalArgumentException(
                    "notifyhub.webhooks.lease must be longer than connect-timeout and read-timeout together");
        }
        if (maxAttempts < 1 || batch < 1 || concurrency < 1) {
            throw new IllegalArgumentException(
                    "notifyhub.webhooks max-attempts, batch and concurrency must be at least 1");
        }
    }

    /** The wait after the {@code failures}-th failed POST: exponential, capped. */
    public Duration backoffAfter(int failures) {
        int doublings = Math.min(Math.max(failures - 1, 0), 30);
        Duration wait = initialBackoff.multipliedBy(1L << doublings);
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }
}
