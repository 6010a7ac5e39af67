package io.notifyhub.worker.provider.chain;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.notifyhub.model.Channel;
import io.notifyhub.worker.provider.DeliveryRequest;
import io.notifyhub.worker.provider.DeliveryResult;
import io.notifyhub.worker.provider.NotificationProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A channel's providers in configured order, each behind its own circuit breaker, optional rate limit and
 * optional cap on calls at once (a bulkhead).
 * A job goes to the first provider whose breaker lets calls through and which has a permit; when that one
 * fails in a retryable way, the same attempt moves on to the next. A permanent failure stops the chain: the
 * recipient or the content is at fault, and another provider would refuse it too.
 */
public class ProviderChain {

    private final Channel channel;
    private final List<NotificationProvider> providers;
    private final List<CircuitBreaker> breakers;
    private final List<Optional<Bulkhead>> bulkheads;
    private final Map<String, ResilienceProperties.Limit> providerLimits;
    private final ResilienceProperties.SenderLimit senderLimit;
    private final SharedRateLimiter limiter;

    public ProviderChain(
            Channel channel,
            List<NotificationProvider> providers,
            List<CircuitBreaker> breakers,
            ResilienceProperties resilience,
            SharedRateLimiter limiter) {
        this(
                channel,
                providers,
                breakers,
                providers.stream().map(p -> Optional.<Bulkhead>empty()).toList(),
                resilience,
                limiter);
    }

    /** @param bulkheads per provider, the cap on its calls at once, if it has one */
    public ProviderChain(
            Channel channel,
            List<NotificationProvider> providers,
            List<CircuitBreaker> breakers,
            List<Optional<Bulkhead>> bulkheads,
            ResilienceProperties resilience,
            SharedRateLimiter limiter) {
        this.channel = channel;
        this.providers = List.copyOf(providers);
        this.breakers = List.copyOf(breakers);
        this.bulkheads = List.copyOf(bulkheads);
        this.providerLimits = resilience.providerLimits();
        this.senderLimit = resilience.senderLimits().get(channel);
        this.limiter = limiter;
    }

    /** The providers' names joined, such as {@code smtp>simulated}. */
    public String name() {
        return providers.stream().map(NotificationProvider::name).collect(Collectors.joining(">"));
    }

    public List<NotificationProvider> providers() {
        return providers;
    }

    /** A sender limit needs the job's payload to know the sender. */
    public boolean needsPayload() {
        return senderLimit != null;
    }

    /**
     * Takes the first breaker permission and rate permit of the chain that can be had, then the sender's
     * permit (if the channel has a sender limit). The sender's permit comes last: it is usually the scarce
     * one (so many per hour), and is not spent while no provider could take the job anyway.
     *
     * @param payload the job's payload; only read when {@link #needsPayload()}
     */
    public Admission admit(Map<String, Object> payload) {
        Admission.Go go = null;
        Duration shortest = null;
        for (int i = 0; i < providers.size() && go == null; i++) {
            Duration wait = acquire(i);
            if (wait.isZero()) {
                go = new Admission.Go(i);
            } else if (!wait.isNegative() && (shortest == null || wait.compareTo(shortest) < 0)) {
                shortest = wait;
            }
        }
        if (go == null) {
            return new Admission.Wait(
                    shortest,
                    Admission.Why.PROVIDERS_UNAVAILABLE,
                    "every " + channel.value() + " provider (" + name() + ") is open or throttled");
        }
        if (senderLimit != null) {
            Object sender = payload == null ? null : payload.get(senderLimit.keyField());
            String name = sender == null ? "(default)" : sender.toString();
            Duration wait = limiter.tryAcquire("sender:" + channel.value() + ":" + name, senderLimit.limit());
            if (!wait.isZero()) {
                release(go);
                return new Admission.Wait(
                        wait,
                        Admission.Why.SENDER_LIMIT,
                        "sender " + name + " is over its limit of " + senderLimit.permits() + " per "
                                + senderLimit.per());
            }
        }
        return go;
    }

    /** The job was not claimed after all: give the breaker permission back (the rate permit stays spent). */
    public void release(Admission.Go go) {
        breakers.get(go.index()).releasePermission();
    }

    /**
     * Sends through the admitted provider, moving on down the chain after a retryable failure.
     *
     * @return which provider answered last, and its answer
     */
    public Outcome send(DeliveryRequest request, Admission.Go go) {
        Outcome last = null;
        for (int i = go.index(); i < providers.size(); i++) {
            if (i > go.index() && !acquire(i).isZero()) {
                continue;
            }
            last = new Outcome(providers.get(i).name(), call(i, request));
            if (!(last.result() instanceof DeliveryResult.Retryable)) {
                return last;
            }
        }
        return last;
    }

    /** @return zero when granted, the wait for a rate permit, or a negative duration for an open breaker */
    private Duration acquire(int index) {
        CircuitBreaker breaker = breakers.get(index);
        if (!breaker.tryAcquirePermission()) {
            return Duration.ofNanos(-1);
        }
        ResilienceProperties.Limit limit =
                providerLimits.get(providers.get(index).name());
        if (limit != null) {
            Duration wait =
                    limiter.tryAcquire("provider:" + providers.get(index).name(), limit);
            if (!wait.isZero()) {
                breaker.releasePermission();
                return wait;
            }
        }
        return Duration.ZERO;
    }

    private DeliveryResult call(int index, DeliveryRequest request) {
        CircuitBreaker breaker = breakers.get(index);
        Optional<Bulkhead> bulkhead = bulkheads.get(index);
        try {
            bulkhead.ifPresent(Bulkhead::acquirePermission);
        } catch (BulkheadFullException full) {
            // the provider is not at fault: its breaker records nothing
            breaker.releasePermission();
            var config = bulkhead.get().getBulkheadConfig();
            return new DeliveryResult.Retryable(providers.get(index).name() + " had " + config.getMaxConcurrentCalls()
                    + " calls running for " + config.getMaxWaitDuration() + "; no call was made");
        }
        try {
            return callBreaker(index, breaker, request);
        } finally {
            bulkhead.ifPresent(Bulkhead::onComplete);
        }
    }

    private DeliveryResult callBreaker(int index, CircuitBreaker breaker, DeliveryRequest request) {
        long start = System.nanoTime();
        DeliveryResult result;
        try {
            result = providers.get(index).send(request);
        } catch (Throwable e) {
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            throw e;
        }
        long took = System.nanoTime() - start;
        if (result instanceof DeliveryResult.Retryable retryable) {
            breaker.onError(took, TimeUnit.NANOSECONDS, new RetryableFailure(retryable.reason()));
        } else {
            // a permanent failure is the message's fault, not the provider's: it answered, and quickly
            breaker.onSuccess(took, TimeUnit.NANOSECONDS);
        }
        return result;
    }

    /** The provider that answered, and what it answered. */
    public record Outcome(String provider, DeliveryResult result) {}

    /** What the breaker records for a retryable result. */
    static final class RetryableFailure extends RuntimeException {
        RetryableFailure(String reason) {
            super(reason, null, false, false);
        }
    }
}
