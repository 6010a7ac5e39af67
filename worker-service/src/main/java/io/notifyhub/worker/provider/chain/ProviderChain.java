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

    /**
     * One provider of the chain with what guards it: its circuit breaker and, if it has one, its cap on calls at
     * once.
     */
    public record Link(NotificationProvider provider, CircuitBreaker breaker, Optional<Bulkhead> bulkhead) {

        public Link(NotificationProvider provider, CircuitBreaker breaker) {
            this(provider, breaker, Optional.empty());
        }

        String name() {
            return provider.name();
        }
    }

    /** What a link answers when asked for a call now. */
    private sealed interface Permit {
        /** Its breaker and rate limit let the call through. */
        record Granted() implements Permit {}

        /** Its rate limit has a permit again after {@code delay}. */
        record Throttled(Duration delay) implements Permit {}

        /** Its breaker is open. */
        record Open() implements Permit {}
    }

    private final Channel channel;
    private final List<Link> links;
    private final Map<String, ResilienceProperties.Limit> providerLimits;
    private final ResilienceProperties.SenderLimit senderLimit;
    private final SharedRateLimiter limiter;

    public ProviderChain(
            Channel channel, List<Link> links, ResilienceProperties resilience, SharedRateLimiter limiter) {
        this.channel = channel;
        this.links = List.copyOf(links);
        this.providerLimits = resilience.providerLimits();
        this.senderLimit = resilience.senderLimits().get(channel);
        this.limiter = limiter;
    }

    /** The providers' names joined, such as {@code smtp>simulated}. */
    public String name() {
        return links.stream().map(Link::name).collect(Collectors.joining(">"));
    }

    public List<NotificationProvider> providers() {
        return links.stream().map(Link::provider).toList();
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
        for (int i = 0; i < links.size() && go == null; i++) {
            switch (acquire(links.get(i))) {
                case Permit.Granted granted -> go = new Admission.Go(i);
                case Permit.Throttled throttled -> {
                    if (shortest == null || throttled.delay().compareTo(shortest) < 0) {
                        shortest = throttled.delay();
                    }
                }
                case Permit.Open open -> {}
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
        links.get(go.index()).breaker().releasePermission();
    }

    /**
     * Sends through the admitted provider, moving on down the chain after a retryable failure.
     *
     * @return which provider answered last, and its answer
     */
    public Answer send(DeliveryRequest request, Admission.Go go) {
        Answer last = null;
        for (int i = go.index(); i < links.size(); i++) {
            Link link = links.get(i);
            if (i > go.index() && !(acquire(link) instanceof Permit.Granted)) {
                continue;
            }
            last = new Answer(link.name(), call(link, request));
            if (!(last.result() instanceof DeliveryResult.Retryable)) {
                return last;
            }
        }
        return last;
    }

    private Permit acquire(Link link) {
        CircuitBreaker breaker = link.breaker();
        if (!breaker.tryAcquirePermission()) {
            return new Permit.Open();
        }
        ResilienceProperties.Limit limit = providerLimits.get(link.name());
        if (limit != null) {
            Duration wait = limiter.tryAcquire("provider:" + link.name(), limit);
            if (!wait.isZero()) {
                breaker.releasePermission();
                return new Permit.Throttled(wait);
            }
        }
        return new Permit.Granted();
    }

    private DeliveryResult call(Link link, DeliveryRequest request) {
        CircuitBreaker breaker = link.breaker();
        Optional<Bulkhead> bulkhead = link.bulkhead();
        try {
            bulkhead.ifPresent(Bulkhead::acquirePermission);
        } catch (BulkheadFullException full) {
            // the provider is not at fault: its breaker records nothing
            breaker.releasePermission();
            var config = bulkhead.get().getBulkheadConfig();
            return new DeliveryResult.Retryable(link.name() + " had " + config.getMaxConcurrentCalls()
                    + " calls running for " + config.getMaxWaitDuration() + "; no call was made");
        }
        try {
            return callBreaker(link, request);
        } finally {
            bulkhead.ifPresent(Bulkhead::onComplete);
        }
    }

    private static DeliveryResult callBreaker(Link link, DeliveryRequest request) {
        CircuitBreaker breaker = link.breaker();
        long start = System.nanoTime();
        DeliveryResult result;
        try {
            result = link.provider().send(request);
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
    public record Answer(String provider, DeliveryResult result) {}

    /** What the breaker records for a retryable result. */
    static final class RetryableFailure extends RuntimeException {
        RetryableFailure(String reason) {
            super(reason, null, false, false);
        }
    }
}
