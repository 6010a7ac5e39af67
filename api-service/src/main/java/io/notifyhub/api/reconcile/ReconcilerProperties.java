package io.notifyhub.api.reconcile;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param enabled  whether this replica takes part (one replica at a time runs a round, under a lock)
 * @param interval pause between two rounds
 * @param grace    how long a queued job may stay unconfirmed before it is published again; longer than a
 *                 normal publish with its confirm; the reconciler adds its replica's publisher backlog
 * @param lease    the most a round may hold the lock; if its replica dies, another takes over after it
 * @param batch    jobs handled per query
 * @param releaseGrace expired claims are released only once this replica has seen the store answer for this
 *                 long: after it starts, and after the store was unreachable (a failed round, or no answer for
 *                 longer than two rounds and 5 s). A worker that sent while the store was down records its outcome
 *                 in that time, before its claim can be released and the job sent again
 */
@ConfigurationProperties("notifyhub.reconciler")
public record ReconcilerProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("2s") Duration interval,
        @DefaultValue("5s") Duration grace,
        @DefaultValue("30s") Duration lease,
        @DefaultValue("1000") int batch,
        @DefaultValue("30s") Duration releaseGrace) {}
