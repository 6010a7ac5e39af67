package io.notifyhub.api.messaging;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.notifyhub.model.config.MessagingProperties;
import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.store.JobStore;
import java.time.Clock;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PublisherConfiguration.PublisherProperties.class)
class PublisherConfiguration {

    /**
     * @param senders  threads sending batches, each on a channel of its own
     * @param maxBatch most messages sent before waiting for their confirms
     * @param capacity most messages waiting for a sender; past it a job is left to the reconciler at once
     */
    @ConfigurationProperties("notifyhub.api.publisher")
    record PublisherProperties(
            @DefaultValue("4") int senders,
            @DefaultValue("256") int maxBatch,
            @DefaultValue("10000") int capacity) {}

    @Bean
    BatchingPublisher batchingPublisher(
            JobPublisher publisher,
            JobStore store,
            Clock clock,
            PublisherProperties properties,
            MessagingProperties messaging,
            MeterRegistry meters) {
        // a failing or slow broker opens the breaker: batches stop being tried, their jobs wait for the
        // reconciler, and a few probes later find out whether it is back
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        CircuitBreaker broker = breakers.circuitBreaker(
                "broker",
                CircuitBreakerConfig.custom()
                        .slidingWindowSize(20)
                        .minimumNumberOfCalls(5)
                        .failureRateThreshold(50)
                        // a call is one batch of up to max-batch messages and their confirms; a 1,000-job batch request
                        // on
                        // a cold, loaded machine took over 1 s a batch (BatchTests), which is slow but working
                        .slowCallDurationThreshold(messaging.confirmTimeout())
                        .slowCallRateThreshold(50)
                        .waitDurationInOpenState(messaging.breakerOpenFor())
                        .permittedNumberOfCallsInHalfOpenState(3)
                        .recordExceptions(JobPublisher.PublishException.class)
                        .build());
        BatchingPublisher batching = new BatchingPublisher(
                publisher, store, clock, broker, properties.senders(), properties.maxBatch(), properties.capacity());
        Gauge.builder("notifyhub.api.publisher.waiting", batching, BatchingPublisher::waiting)
                .description("job messages queued or sent and waiting for the broker's confirm")
                .register(meters);
        Gauge.builder(
                        "notifyhub.api.publisher.backlog",
                        batching,
                        b -> b.backlog().toNanos() / 1e9)
                .description(
                        "how long the oldest job message still waiting has waited; the reconciler adds it to its grace")
                .baseUnit("seconds")
                .register(meters);
        return batching;
    }
}
