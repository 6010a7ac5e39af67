package io.notifyhub.worker.provider.chain;

import io.notifyhub.model.Channel;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the provider chains protect themselves and the providers.
 *
 * @param breaker        the circuit breaker every provider gets
 * @param providerLimits sending rate per provider name, shared by all workers (none: unlimited)
 * @param senderLimits   sending rate per sender, per channel, shared by all workers (none: unlimited)
 * @param concurrentCalls calls one worker makes to a provider at once, per provider name (none: as many as
 *                       {@code notifyhub.worker.max-in-flight}); SMTP opens a connection per call
 * @param concurrentCallWait how long a delivery waits for one of those calls before it counts as a retryable
 *                       failure of that attempt
 */
@ConfigurationProperties("notifyhub.worker.resilience")
public record ResilienceProperties(
        @DefaultValue Breaker breaker,
        Map<String, Limit> providerLimits,
        Map<Channel, SenderLimit> senderLimits,
        Map<String, Integer> concurrentCalls,
        @DefaultValue("30s") Duration concurrentCallWait) {

    public ResilienceProperties {
        providerLimits = providerLimits == null ? Map.of() : Map.copyOf(providerLimits);
        concurrentCalls = concurrentCalls == null ? Map.of() : Map.copyOf(concurrentCalls);
        concurrentCalls.forEach((provider, calls) -> {
            if (calls < 1) {
                throw new IllegalArgumentException(
                        "notifyhub.worker.resilience.concurrent-calls." + provider + " must be at least 1");
            }
        });
        concurrentCallWait = concurrentCallWait == null ? Duration.ofSeconds(30) : concurrentCallWait;
        senderLimits = senderLimits == null ? Map.of() : Map.copyOf(senderLimits);
    }

    /**
     * @param failureRate  percentage of failed (retryable) calls in the window that opens the breaker
     * @param slowCall     a call taking longer than this counts as slow
     * @param slowCallRate percentage of slow calls in the window that opens the breaker
     * @param window       the calls the rates are computed over (count-based sliding window)
     * @param minimumCalls calls needed before the rates mean anything
     * @param openFor      how long an open breaker refuses calls before letting probes through (half-open)
     * @param halfOpenCalls probe calls in half-open; their outcome closes or reopens the breaker
     */
    public record Breaker(
            @DefaultValue("50") float failureRate,
            @DefaultValue("5s") Duration slowCall,
            @DefaultValue("80") float slowCallRate,
            @DefaultValue("20") int window,
            @DefaultValue("10") int minimumCalls,
            @DefaultValue("30s") Duration openFor,
            @DefaultValue("3") int halfOpenCalls) {}

    /** At most {@code permits} sends per {@code per}, in bursts of up to {@code permits}. */
    public record Limit(int permits, Duration per) {
        public Limit {
            if (permits < 1 || per == null || per.isZero() || per.isNegative()) {
                throw new IllegalArgumentException("a rate limit needs permits >= 1 and a positive period");
            }
        }
    }

    /**
     * @param keyField the payload field naming the sender (email: {@code from}); jobs without it share the
     *                 key {@code (default)}
     */
    public record SenderLimit(
            int permits, Duration per, @DefaultValue("from") String keyField) {
        public SenderLimit {
            new Limit(permits, per);
        }

        Limit limit() {
            return new Limit(permits, per);
        }
    }
}
