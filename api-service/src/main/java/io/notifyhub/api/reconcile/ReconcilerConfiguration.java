package io.notifyhub.api.reconcile;

import io.notifyhub.api.backpressure.Backlogs;
import io.notifyhub.api.messaging.BatchingPublisher;
import io.notifyhub.model.Channel;
import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.store.JobStore;
import java.time.Clock;
import java.util.Arrays;
import java.util.stream.Collectors;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.provider.mongo.MongoLockProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/** Runs the {@link Reconciler} every {@code notifyhub.reconciler.interval}, on every API replica; the lock picks one. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReconcilerProperties.class)
@ConditionalOnBooleanProperty(name = "notifyhub.reconciler.enabled", matchIfMissing = true)
class ReconcilerConfiguration implements SchedulingConfigurer {

    private final ReconcilerProperties properties;
    private final Reconciler reconciler;

    ReconcilerConfiguration(
            ReconcilerProperties properties,
            JobStore store,
            JobPublisher publisher,
            BatchingPublisher batching,
            MongoTemplate mongo,
            Clock clock,
            Backlogs backlogs) {
        this.properties = properties;
        this.reconciler = new Reconciler(
                store,
                publisher,
                new DefaultLockingTaskExecutor(new MongoLockProvider(mongo.getDb())),
                properties,
                clock,
                batching::backlog,
                () -> Arrays.stream(Channel.values()).filter(backlogs::isFull).collect(Collectors.toUnmodifiableSet()));
    }

    @Bean
    Reconciler reconciler() {
        return reconciler;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(reconciler::runOnce, properties.interval());
    }
}
