package io.notifyhub.model.health;

import com.mongodb.client.MongoClient;
import io.notifyhub.model.config.HealthProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.amqp.health.RabbitHealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.mongodb.health.MongoHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The store's ({@code mongo}) and the broker's ({@code rabbit}) health, Spring Boot's own checks run in the
 * background ({@link BackgroundHealth}): under these bean names they replace the ones Boot would make, and keep
 * their names in the health groups.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(HealthIndicator.class)
@EnableConfigurationProperties(HealthProperties.class)
public class HealthConfiguration {

    @Bean
    BackgroundHealth mongoHealthIndicator(MongoClient mongo, HealthProperties properties) {
        return new BackgroundHealth(
                "health-mongo", new MongoHealthIndicator(mongo), properties.checkEvery(), properties.staleAfter());
    }

    @Bean
    BackgroundHealth rabbitHealthIndicator(RabbitTemplate rabbit, HealthProperties properties) {
        return new BackgroundHealth(
                "health-rabbit", new RabbitHealthIndicator(rabbit), properties.checkEvery(), properties.staleAfter());
    }
}
