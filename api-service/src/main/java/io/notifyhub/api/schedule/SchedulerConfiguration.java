package io.notifyhub.api.schedule;

import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.store.JobStore;
import java.time.Clock;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.provider.mongo.MongoLockProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/** Runs the {@link Scheduler} every {@code notifyhub.scheduler.interval}, on every API replica; the lock picks one. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SchedulerProperties.class)
@ConditionalOnBooleanProperty(name = "notifyhub.scheduler.enabled", matchIfMissing = true)
class SchedulerConfiguration implements SchedulingConfigurer {

    private final SchedulerProperties properties;
    private final Scheduler scheduler;

    SchedulerConfiguration(
            SchedulerProperties properties, JobStore store, JobPublisher publisher, MongoTemplate mongo, Clock clock) {
        this.properties = properties;
        this.scheduler = new Scheduler(
                store,
                publisher,
                new DefaultLockingTaskExecutor(new MongoLockProvider(mongo.getDb())),
                properties,
                clock);
    }

    @Bean
    Scheduler jobScheduler() {
        return scheduler;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(scheduler::runOnce, properties.interval());
    }
}
