package io.notifyhub.worker.provider;

import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.notifyhub.model.Channel;
import io.notifyhub.worker.config.WorkerProperties;
import io.notifyhub.worker.provider.chain.ProviderChain;
import io.notifyhub.worker.provider.chain.ResilienceProperties;
import io.notifyhub.worker.provider.chain.SharedRateLimiter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * The provider chain of each channel, from the ordered names in {@code notifyhub.worker.providers.<channel>}
 * (default {@code simulated}). Each provider has one circuit breaker, named after it, shared by every chain
 * it is in, and likewise its bulkhead when {@code notifyhub.worker.resilience.concurrent-calls} caps it.
 */
@Component
public class ProviderRegistry {

    private final Map<Channel, ProviderChain> byChannel = new EnumMap<>(Channel.class);

    public ProviderRegistry(
            List<NotificationProvider> providers,
            WorkerProperties properties,
            CircuitBreakerRegistry breakers,
            BulkheadRegistry bulkheads,
            ResilienceProperties resilience,
            SharedRateLimiter limiter) {
        for (Channel channel : Channel.values()) {
            List<String> names =
                    properties.providers().getOrDefault(channel, List.of(WorkerProperties.DEFAULT_PROVIDER));
            List<ProviderChain.Link> links = new ArrayList<>();
            for (String name : names) {
                NotificationProvider provider = providers.stream()
                        .filter(p -> p.name().equals(name) && p.channels().contains(channel))
                        .findFirst()
                        .orElseThrow(() -> new IllegalStateException("No provider named '" + name + "' for channel "
                                + channel + "; known: "
                                + providers.stream()
                                        .map(p -> p.name() + p.channels())
                                        .collect(Collectors.joining(", "))
                                + " (smtp needs spring.mail.host, twilio notifyhub.providers.twilio.account-sid, "
                                + "fcm a service account)"));
                links.add(new ProviderChain.Link(
                        provider,
                        breakers.circuitBreaker(name),
                        Optional.ofNullable(resilience.concurrentCalls().get(name))
                                .map(calls -> bulkheads.bulkhead(
                                        name,
                                        BulkheadConfig.custom()
                                                .maxConcurrentCalls(calls)
                                                .maxWaitDuration(resilience.concurrentCallWait())
                                                .build()))));
            }
            byChannel.put(channel, new ProviderChain(channel, links, resilience, limiter));
        }
    }

    public ProviderChain forChannel(Channel channel) {
        return byChannel.get(channel);
    }
}
