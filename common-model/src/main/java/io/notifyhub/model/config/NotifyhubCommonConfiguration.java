package io.notifyhub.model.config;

import com.mongodb.WriteConcern;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.Priority;
import io.notifyhub.model.health.HealthConfiguration;
import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.ratelimit.MongoBucketProxyManager;
import io.notifyhub.model.store.AttemptOutcome;
import io.notifyhub.model.store.IndexCreation;
import io.notifyhub.model.store.JobStore;
import io.notifyhub.model.topology.Topology;
import io.notifyhub.model.topology.TopologyProperties;
import io.notifyhub.model.topology.WorkQueueDeclarer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.core.convert.converter.GenericConverter;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.convert.MongoCustomConversions;

/** The wiring both services share: the job store, the broker topology and the publisher. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({
    StoreProperties.class,
    MessagingProperties.class,
    TopologyProperties.class,
    RetentionProperties.class
})
@Import(HealthConfiguration.class)
public class NotifyhubCommonConfiguration {

    private static final Logger log = LoggerFactory.getLogger(NotifyhubCommonConfiguration.class);

    /**
     * Majority write concern whatever the URI says, and short timeouts (server selection, connection pool
     * wait, connect, read) so an outage or an overload is answered fast.
     */
    @Bean
    MongoClientSettingsBuilderCustomizer notifyhubMongoSettings(StoreProperties store) {
        long millis = store.timeout().toMillis();
        return builder -> builder.writeConcern(WriteConcern.MAJORITY)
                .applyToClusterSettings(cluster -> cluster.serverSelectionTimeout(millis, TimeUnit.MILLISECONDS))
                .applyToConnectionPoolSettings(pool -> pool.maxWaitTime(millis, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(socket -> socket.connectTimeout(millis, TimeUnit.MILLISECONDS)
                        .readTimeout(millis, TimeUnit.MILLISECONDS));
    }

    /** Millisecond ticks: what MongoDB stores, so a job reads back exactly as it was answered. */
    @Bean
    Clock clock() {
        return Clock.tick(Clock.systemUTC(), Duration.ofMillis(1));
    }

    @Bean
    MongoCustomConversions mongoCustomConversions() {
        return new MongoCustomConversions(valueConverters());
    }

    @Bean
    JobStore jobStore(MongoOperations mongo, RetentionProperties retention) {
        return new JobStore(mongo, retention.jobs());
    }

    @Bean
    Topology topology(TopologyProperties properties) {
        return new Topology(properties);
    }

    @Bean
    Declarables notifyhubTopology(Topology topology) {
        return topology.declarables();
    }

    /**
     * Spring Boot's admin (declares the topology on every new connection), which also declares the work queues,
     * each alone (see {@link WorkQueueDeclarer}).
     */
    @Bean
    AmqpAdmin amqpAdmin(Topology topology, ConnectionFactory connectionFactory) {
        return new WorkQueueDeclarer(topology).admin(connectionFactory);
    }

    @Bean
    JobPublisher jobPublisher(RabbitTemplate rabbitTemplate, MessagingProperties messaging) {
        return new JobPublisher(rabbitTemplate, messaging.confirmTimeout());
    }

    /**
     * The jobs' and the rate-limit buckets' indexes are created once the store answers; a store that is down at
     * start-up does not stop the service (a worker that exited here was restarted into the same outage).
     */
    @EventListener(ApplicationReadyEvent.class)
    void createIndexes(ApplicationReadyEvent event) {
        IndexCreation.createOrLater(log, "job and rate-limit indexes", () -> {
            event.getApplicationContext().getBean(JobStore.class).createIndexes();
            MongoBucketProxyManager.createIndexes(event.getApplicationContext().getBean(MongoOperations.class));
        });
    }

    /** Enums are stored by their lower-case value, as the API shows them. */
    static List<GenericConverter> valueConverters() {
        List<GenericConverter> converters = new ArrayList<>();
        converters.addAll(ValueConverters.of(JobStatus.class, JobStatus::value, JobStatus::of));
        converters.addAll(ValueConverters.of(Channel.class, Channel::value, Channel::of));
        converters.addAll(ValueConverters.of(Priority.class, Priority::value, Priority::of));
        converters.addAll(ValueConverters.of(AttemptOutcome.class, AttemptOutcome::value, AttemptOutcome::of));
        return converters;
    }
}
