package io.notifyhub.api.schedule;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param enabled  whether this replica takes part (one replica at a time runs a round, under a lock)
 * @param interval pause between two rounds; a scheduled job is queued at most about this long after it is due
 * @param lease    the most a round may hold the lock; if its replica dies, another takes over after it
 * @param batch    due jobs queued and published per query (published together, with confirms)
 */
@ConfigurationProperties("notifyhub.scheduler")
public record SchedulerProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1s") Duration interval,
        @DefaultValue("30s") Duration lease,
        @DefaultValue("500") int batch) {

    public SchedulerProperties {
        if (batch < 1) {
            throw new IllegalArgumentException("notifyhub.scheduler.batch must be at least 1");
        }
    }
}
