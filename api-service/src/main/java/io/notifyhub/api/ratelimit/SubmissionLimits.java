package io.notifyhub.api.ratelimit;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.RemoteBucketBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.notifyhub.model.ratelimit.MongoBucketProxyManager;
import io.notifyhub.model.store.StoreFailures;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.stereotype.Service;

/**
 * Each client's submission limit (a Bucket4j token bucket kept in MongoDB), shared by all API replicas without a
 * store round trip on a request. A replica leases tokens from the shared bucket, {@code sync-every}'s worth of the
 * limit at a time (at least one, and at least what the request takes), and a request only takes one from its
 * replica's lease: a counter in memory. When a lease runs low, the next one is taken in the background; a
 * request waits for the store only when its replica's lease is empty (the client's first request on this replica,
 * or a client faster than a lease a round trip). Tokens are taken from the shared bucket before they are used,
 * so replicas together never admit more than the limit; a lease unused for two seconds is given back.
 *
 * <p>A client out of tokens is refused locally until the shared bucket can have refilled, without asking the
 * store again. While the store cannot be reached, a request could not be stored either (503); when the shared
 * bucket cannot be changed in time for other reasons (many replicas racing on a busy store), the limit fails
 * open and counts it.
 */
@Service
@EnableConfigurationProperties(RateLimitProperties.class)
public class SubmissionLimits {

    private static final Logger log = LoggerFactory.getLogger(SubmissionLimits.class);
    private static final long GIVE_BACK_AFTER = TimeUnit.SECONDS.toNanos(2);
    private static final long FORGET_AFTER = TimeUnit.MINUTES.toNanos(10);

    private final RateLimitProperties properties;
    private final RemoteBucketBuilder<String> builder;
    private final BucketConfiguration configuration;
    private final long lease;
    private final Counter unchecked;
    private final Map<String, Lease> leases = new ConcurrentHashMap<>();
    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("rate-limit-leases").daemon(true).factory());

    SubmissionLimits(RateLimitProperties properties, MongoOperations mongo, MeterRegistry meters) {
        this.properties = properties;
        this.unchecked = Counter.builder("notifyhub.api.rate.limit.unchecked")
                .description("submissions let through because the shared rate-limit bucket could not be checked")
                .register(meters);
        this.configuration = BucketConfiguration.builder()
                .addLimit(limit ->
                        limit.capacity(properties.burst()).refillGreedy(properties.jobs(), properties.period()))
                .build();
        // buckets outlive a deployment: a changed limit replaces the stored one, keeping the share of tokens left
        long configurationVersion =
                Integer.toUnsignedLong(Objects.hash(properties.jobs(), properties.period(), properties.burst()));
        this.builder = new MongoBucketProxyManager(
                        mongo, ClientSideConfig.getDefault().withRequestTimeout(Duration.ofSeconds(2)))
                .builder()
                .withImplicitConfigurationReplacement(configurationVersion, TokensInheritanceStrategy.PROPORTIONALLY);
        this.lease = Math.max(
                1,
                Math.min(
                        properties.burst(),
                        properties.jobs()
                                * properties.syncEvery().toNanos()
                                / Math.max(1, properties.period().toNanos())));
        background.scheduleWithFixedDelay(this::giveBackIdle, 1, 1, TimeUnit.SECONDS);
    }

    @PreDestroy
    void close() {
        background.shutdownNow();
    }

    /**
     * Takes {@code jobs} tokens for the client.
     *
     * @throws RateLimitedException when the client has not got that many left
     */
    public void take(String clientId, int jobs) {
        if (!properties.enabled()) {
            return;
        }
        leases.computeIfAbsent(clientId, Lease::new).take(jobs);
    }

    /** Gives back the leases of clients idle for two seconds, and forgets clients idle for ten minutes. */
    private void giveBackIdle() {
        long now = System.nanoTime();
        leases.values().forEach(lease -> {
            if (now - lease.lastUsed > FORGET_AFTER && lease.tokens.get() == 0) {
                leases.remove(lease.key, lease);
            } else if (now - lease.lastUsed > GIVE_BACK_AFTER) {
                lease.giveBack();
            }
        });
    }

    /** One client's tokens on this replica, leased from the shared bucket. */
    private final class Lease {

        private final String key;
        private final AtomicLong tokens = new AtomicLong();
        private volatile BucketProxy shared;
        private volatile long lastUsed = System.nanoTime();
        /** no token until then (nanoTime): the shared bucket was empty */
        private volatile long refusedUntil = System.nanoTime();

        private boolean refilling;

        Lease(String clientId) {
            this.key = "submissions:" + clientId;
        }

        void take(int jobs) {
            lastUsed = System.nanoTime();
            while (true) {
                long have = tokens.get();
                if (have >= jobs) {
                    if (tokens.compareAndSet(have, have - jobs)) {
                        if (have - jobs < (lease + 1) / 2) {
                            refillInBackground();
                        }
                        return;
                    }
                    continue;
                }
                long wait = refusedUntil - System.nanoTime();
                if (wait > 0) {
                    throw refused(wait);
                }
                if (!refillNow(jobs)) {
                    return; // the shared bucket could not be checked: fail open
                }
                if (tokens.get() < jobs && refusedUntil - System.nanoTime() > 0) {
                    throw refused(refusedUntil - System.nanoTime());
                }
            }
        }

        private void refillInBackground() {
            synchronized (this) {
                if (refilling) {
                    return;
                }
                refilling = true;
            }
            background.execute(() -> {
                try {
                    lease(lease);
                } catch (RuntimeException e) {
                    log.debug("Could not lease tokens for {} ahead of time: {}", key, e.toString());
                } finally {
                    synchronized (this) {
                        refilling = false;
                    }
                }
            });
        }

        /**
         * Leases on the request's thread, at least {@code jobs}, unless another request of the client just did.
         *
         * @return false when the shared bucket could not be checked (not for an unreachable store: that throws)
         */
        private synchronized boolean refillNow(int jobs) {
            if (tokens.get() >= jobs) {
                return true;
            }
            try {
                lease(Math.max(lease, jobs));
                return true;
            } catch (RuntimeException e) {
                if (StoreFailures.isUnavailable(e)) {
                    throw e; // the store is gone: the request could not be stored either, so 503 at once
                }
                unchecked.increment();
                log.warn("Submission limit of {} not checked: {}", key, e.toString());
                return false;
            }
        }

        /** Takes up to {@code wanted} tokens from the shared bucket into this lease; none left: refused for a while. */
        private void lease(long wanted) {
            long got = shared().tryConsumeAsMuchAsPossible(wanted);
            if (got > 0) {
                tokens.addAndGet(got);
                refusedUntil = System.nanoTime();
            } else {
                long refill = shared().estimateAbilityToConsume(1).getNanosToWaitForRefill();
                refusedUntil = System.nanoTime() + Math.max(refill, 1);
            }
        }

        private void giveBack() {
            long unused = tokens.getAndSet(0);
            if (unused > 0) {
                try {
                    shared().addTokens(unused);
                } catch (RuntimeException e) {
                    log.debug("Could not give back {} tokens of {}: {}", unused, key, e.toString());
                }
            }
        }

        private BucketProxy shared() {
            BucketProxy bucket = shared;
            if (bucket == null) {
                bucket = builder.build(key, configuration);
                shared = bucket;
            }
            return bucket;
        }

        private RateLimitedException refused(long waitNanos) {
            long retryAfter = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999L));
            return new RateLimitedException(
                    properties.jobs(), Math.max(1, properties.period().toSeconds()), retryAfter);
        }
    }
}
