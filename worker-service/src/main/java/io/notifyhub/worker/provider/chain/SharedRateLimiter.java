package io.notifyhub.worker.provider.chain;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.notifyhub.model.ratelimit.MongoBucketProxyManager;
import java.time.Duration;
import java.util.Objects;
import org.springframework.data.mongodb.core.MongoOperations;

/**
 * Rate limits that hold across every worker: a Bucket4j token bucket per key, kept in MongoDB's
 * {@code rate_limits} collection and changed by compare-and-swap ({@link MongoBucketProxyManager}, which the
 * API's submission limits use too), so no two workers spend the same permit. A bucket holds {@code permits}
 * and refills them evenly over {@code per}, and tells a refused caller how long until the next one.
 */
public class SharedRateLimiter {

    private final MongoBucketProxyManager buckets;

    public SharedRateLimiter(MongoOperations mongo) {
        this.buckets = new MongoBucketProxyManager(
                mongo, ClientSideConfig.getDefault().withRequestTimeout(Duration.ofSeconds(2)));
    }

    /**
     * Takes one permit for {@code key} if there is one.
     *
     * @return zero when the permit was taken, otherwise how long until one is free
     */
    public Duration tryAcquire(String key, ResilienceProperties.Limit limit) {
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(bandwidth -> bandwidth.capacity(limit.permits()).refillGreedy(limit.permits(), limit.per()))
                .build();
        // a changed limit replaces the stored one, keeping the share of permits left
        long version = Integer.toUnsignedLong(Objects.hash(limit.permits(), limit.per()));
        ConsumptionProbe probe = buckets.builder()
                .withImplicitConfigurationReplacement(version, TokensInheritanceStrategy.PROPORTIONALLY)
                .build(key, configuration)
                .tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? Duration.ZERO : Duration.ofNanos(Math.max(1, probe.getNanosToWaitForRefill()));
    }
}
