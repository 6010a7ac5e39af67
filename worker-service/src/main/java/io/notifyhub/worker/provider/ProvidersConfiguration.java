package io.notifyhub.worker.provider;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.notifyhub.worker.provider.chain.ResilienceProperties;
import io.notifyhub.worker.provider.chain.SharedRateLimiter;
import io.notifyhub.worker.provider.email.SmtpEmailProvider;
import io.notifyhub.worker.provider.email.SmtpProperties;
import io.notifyhub.worker.provider.push.FcmProperties;
import io.notifyhub.worker.provider.push.FcmPushProvider;
import io.notifyhub.worker.provider.sms.TwilioProperties;
import io.notifyhub.worker.provider.sms.TwilioSmsProvider;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.web.client.RestClient;

/**
 * The real providers, each present only when it is configured, and what the chains share: one circuit
 * breaker registry (exported to Micrometer as {@code resilience4j.circuitbreaker.*}) and the shared rate
 * limiter.
 */
@Configuration(proxyBeanMethods = false)
class ProvidersConfiguration {

    @Bean
    CircuitBreakerRegistry circuitBreakerRegistry(ResilienceProperties resilience, MeterRegistry meters) {
        ResilienceProperties.Breaker breaker = resilience.breaker();
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(breaker.window())
                .minimumNumberOfCalls(breaker.minimumCalls())
                .failureRateThreshold(breaker.failureRate())
                .slowCallDurationThreshold(breaker.slowCall())
                .slowCallRateThreshold(breaker.slowCallRate())
                .waitDurationInOpenState(breaker.openFor())
                .permittedNumberOfCallsInHalfOpenState(breaker.halfOpenCalls())
                // the first call after openFor moves the breaker to half-open; no timer thread needed
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .build());
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
        return registry;
    }

    /** Caps on calls at once per provider, where configured; exported as {@code resilience4j.bulkhead.*}. */
    @Bean
    BulkheadRegistry bulkheadRegistry(MeterRegistry meters) {
        BulkheadRegistry registry = BulkheadRegistry.ofDefaults();
        TaggedBulkheadMetrics.ofBulkheadRegistry(registry).bindTo(meters);
        return registry;
    }

    @Bean
    SharedRateLimiter sharedRateLimiter(MongoOperations mongo) {
        return new SharedRateLimiter(mongo);
    }

    @Bean
    @ConditionalOnProperty("spring.mail.host")
    SmtpEmailProvider smtpEmailProvider(JavaMailSenderImpl mailSender, SmtpProperties properties) {
        return new SmtpEmailProvider(mailSender, properties);
    }

    @Bean
    @ConditionalOnProperty("notifyhub.providers.twilio.account-sid")
    TwilioSmsProvider twilioSmsProvider(TwilioProperties properties, RestClient.Builder restClients, Clock clock) {
        return new TwilioSmsProvider(properties, restClients, clock);
    }

    @Bean
    @Conditional(FcmConfigured.class)
    FcmPushProvider fcmPushProvider(FcmProperties properties, RestClient.Builder restClients, Clock clock) {
        return new FcmPushProvider(properties, restClients, clock);
    }

    /** A service account, inline or as a file. */
    static class FcmConfigured extends AnyNestedCondition {
        FcmConfigured() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnProperty("notifyhub.providers.fcm.service-account-json")
        static class Inline {}

        @ConditionalOnProperty("notifyhub.providers.fcm.service-account-file")
        static class File {}
    }
}
