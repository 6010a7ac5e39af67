package io.notifyhub.api.reconcile;

import io.notifyhub.api.backpressure.Backlogs;
import io.notifyhub.api.messaging.BatchingPublisher;
import io.notifyhub.api.poll.LockedPollerConfiguration;
import io.notifyhub.model.Channel;
import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.store.JobStore;
import java.time.Clock;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoTemplate;

/** Runs the {@link Reconciler} every {@code notifyhub.reconciler.interval}, on every API replica; the lock picks one. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ReconcilerProperties.class)
@ConditionalOnBooleanProperty(name = "notifyhub.reconciler.enabled", matchIfMissing = true)
class ReconcilerConfiguration extends LockedPollerConfiguration<Reconciler> {

    ReconcilerConfiguration(
            ReconcilerProperties properties,
            JobStore store,
            JobPublisher publisher,
            BatchingPublisher batching,
            MongoTemplate mongo,
            Clock clock,
            Backlogs backlogs) {
        super(
                new Reconciler(
                        store,
                        publisher,
                        locks(mongo),
                        properties,
                        clock,
                        batching::backlog,
                        () -> Arrays.stream(Channel.values())
                                .filter(backlogs::isFull)
                                .collect(Collectors.toUnmodifiableSet())),
                properties.interval());
    }

    @Bean
    Reconciler reconciler() {
        return poller();
    }
}
