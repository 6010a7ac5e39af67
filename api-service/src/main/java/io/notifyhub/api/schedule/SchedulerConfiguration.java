package io.notifyhub.api.schedule;

import io.notifyhub.api.poll.LockedPollerConfiguration;
import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.store.JobStore;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoTemplate;

/** Runs the {@link Scheduler} every {@code notifyhub.scheduler.interval}, on every API replica; the lock picks one. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SchedulerProperties.class)
@ConditionalOnBooleanProperty(name = "notifyhub.scheduler.enabled", matchIfMissing = true)
class SchedulerConfiguration extends LockedPollerConfiguration<Scheduler> {

    SchedulerConfiguration(
            SchedulerProperties properties, JobStore store, JobPublisher publisher, MongoTemplate mongo, Clock clock) {
        super(new Scheduler(store, publisher, locks(mongo), properties, clock), properties.interval());
    }

    @Bean
    Scheduler jobScheduler() {
        return poller();
    }
}
