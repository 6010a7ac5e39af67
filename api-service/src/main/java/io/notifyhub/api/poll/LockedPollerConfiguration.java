package io.notifyhub.api.poll;

import java.time.Duration;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import net.javacrumbs.shedlock.provider.mongo.MongoLockProvider;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/**
 * Runs a {@link LockedPoller} every {@code interval} on every API replica; the lock picks one replica a round.
 * A subclass builds its poller and exposes it as a bean.
 */
public abstract class LockedPollerConfiguration<P extends LockedPoller> implements SchedulingConfigurer {

    private final P poller;
    private final Duration interval;

    protected LockedPollerConfiguration(P poller, Duration interval) {
        this.poller = poller;
        this.interval = interval;
    }

    /** The locks of the pollers: ShedLock's, in the store. */
    protected static LockingTaskExecutor locks(MongoTemplate mongo) {
        return new DefaultLockingTaskExecutor(new MongoLockProvider(mongo.getDb()));
    }

    protected P poller() {
        return poller;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(poller::runOnce, interval);
    }
}
