package io.notifyhub.api.stats;

import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /api/stats/series} answers: this replica's recent samples of the system-wide counts, oldest
 * first.
 *
 * @param everySeconds seconds between two samples
 * @param capacity     samples this replica keeps at most; older ones are dropped
 * @param samples      the samples, oldest first; empty just after a start
 */
record Series(long everySeconds, int capacity, List<Sample> samples) {

    /**
     * @param at      when the sample was taken
     * @param sent    jobs that reached {@code sent} in the interval ending at {@code at}
     * @param failed  jobs that reached {@code failed} in the same interval
     * @param backlog jobs waiting or being delivered ({@code queued} and {@code processing}) at {@code at}
     */
    record Sample(Instant at, long sent, long failed, long backlog) {}
}
