package io.notifyhub.api.ratelimit;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.RemoteBucketBuilder;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.notifyhub.model.ratelimit.MongoBucketProxyManager;
import io.notifyhub.model.store.StoreFailures;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.stereotype.Service;

/**
 * Each client's submission limit (Bucket4j), kept in MongoDB so that it holds across API replicas. To spare
 * the store a round trip per request, a replica takes up to {@code syncTokens} tokens (or for up to
 * {@code syncEvery}) before it settles them with the shared bucket (Bucket4j's delaying optimisation): the
 * limit may be overshot by that much per replica, never more.
 */
@Service
@EnableConfigurationProperties(RateLimitProperties.class)
public class SubmissionLimits {

    private static final Logger log = LoggerFactory.getLogger(SubmissionLimits.class);

    private final RateLimitProperties properties;
    private final MongoBucketProxyManager buckets;
    private final RemoteBucketBuilder<String> builder;
    private final BucketConfiguration configuration;
    private final Counter unavailable;

    SubmissionLimits(RateLimitProperties properties, MongoOperations mongo, MeterRegistry meters) {
        this.properties = properties;
        this.unavailable = Counter.builder("notifyhub.api.rate.limit.unchecked")
                .description("submissions let through because the shared rate-limit bucket could not be checked")
                .register(meters);
        this.buckets = new MongoBucketProxyManager(mongo, ClientSideConfig.getDefault()
                .withRequestTimeout(Duration.ofSeconds(2)));
        this.configuration = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(properties.burst()).refillGreedy(properties.jobs(), properties.period()))
                .build();
        // buckets outlive a deployment: a changed limit replaces the stored one, keeping the share of tokens left
        long configurationVersion = Integer.toUnsignedLong(Objects.hash(properties.jobs(), properties.period(),
                properties.burst()));
        this.builder = buckets.builder()
                .withImplicitConfigurationReplacement(configurationVersion, TokensInheritanceStrategy.PROPORTIONALLY)
                .withOptimization(Optimizations.delaying(
                        new DelayParameters(properties.syncTokens(), properties.syncEvery())));
    }

    /**
     * Takes {@code jobs} tokens from the client's bucket.
     *
     * @throws RateLimitedException when the client has not got that many left
     */
    public void take(String clientId, int jobs) {
        if (!properties.enabled()) {
            return;
        }
        ConsumptionProbe probe;
        try {
            probe = builder.build("submissions:" + clientId, configuration).tryConsumeAndReturnRemaining(jobs);
        } catch (RuntimeException e) {
            if (StoreFailures.isUnavailable(e)) {
                throw e; // the store is gone: the request could not be stored either, so 503 at once
            }
            // the bucket could not be changed in time (many replicas and requests racing for it on a busy store):
            // the limit fails open rather than refusing work the store can still take
            unavailable.increment();
            log.warn("Submission limit of client {} not checked: {}", clientId, e.toString());
            return;
        }
        if (!probe.isConsumed()) {
            long retryAfter = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
            throw new RateLimitedException(properties.jobs(), Math.max(1, properties.period().toSeconds()), retryAfter);
        }
    }
}
