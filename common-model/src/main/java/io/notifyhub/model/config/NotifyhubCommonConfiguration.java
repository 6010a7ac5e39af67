package io.notifyhub.model.config;

import com.mongodb.WriteConcern;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.Priority;
import io.notifyhub.model.health.HealthConfiguration;
import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.ratelimit.MongoBucketProxyManager;
import io.notifyhub.model.store.JobStore;
import io.notifyhub.model.topology.Topology;
import io.notifyhub.model.topology.TopologyProperties;
import io.notifyhub.model.topology.WorkQueueDeclarer;
import java.time.Clock;
import java.time.Duration;
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
import org.springframework.core.convert.converter.Converter;
import org.springframework.data.convert.ReadingConverter;
import org.springframework.data.convert.WritingConverter;
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
        return new MongoCustomConversions(List.of(
                new StatusWriter(),
                new StatusReader(),
                new ChannelWriter(),
                new ChannelReader(),
                new PriorityWriter(),
                new PriorityReader()));
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
        try {
            event.getApplicationContext().getBean(JobStore.class).createIndexes();
            MongoBucketProxyManager.createIndexes(event.getApplicationContext().getBean(MongoOperations.class));
        } catch (RuntimeException e) {
            log.warn(
                    "Could not create the job and rate-limit indexes now ({}); they are created on the next start",
                    e.getMessage());
        }
    }

    @WritingConverter
    static final class StatusWriter implements Converter<JobStatus, String> {
        @Override
        public String convert(JobStatus source) {
            return source.value();
        }
    }

    @ReadingConverter
    static final class StatusReader implements Converter<String, JobStatus> {
        @Override
        public JobStatus convert(String source) {
            return JobStatus.of(source);
        }
    }

    @WritingConverter
    static final class ChannelWriter implements Converter<Channel, String> {
        @Override
        public String convert(Channel source) {
            return source.value();
        }
    }

    @ReadingConverter
    static final class ChannelReader implements Converter<String, Channel> {
        @Override
        public Channel convert(String source) {
            return Channel.of(source);
        }
    }

    @WritingConverter
    static final class PriorityWriter implements Converter<Priority, String> {
        @Override
        public String convert(Priority source) {
            return source.value();
        }
    }

    @ReadingConverter
    static final class PriorityReader implements Converter<String, Priority> {
        @Override
        public Priority convert(String source) {
            return Priority.of(source);
        }
    }
}
