package io.notifyhub.api.stats;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the ops console's overview shows, as {@code GET /api/stats} answers it.
 *
 * @param caller     who asked: the console learns from it whether the key is an admin's
 * @param at         when the figures were taken
 * @param byStatus   the caller's jobs (every client's for an admin) per status, every status present
 * @param byType     the same jobs per channel, every channel present
 * @param throughput jobs that reached {@code sent} or {@code failed} in each of the last minutes, oldest first
 * @param queues     ready messages and consumers of every queue of the topology; for admins only (queue depths
 *                   are every client's traffic), absent for a client key
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Stats(
        CallerView caller,
        Instant at,
        Map<String, Long> byStatus,
        Map<String, Long> byType,
        List<Minute> throughput,
        List<QueueDepth> queues) {

    record CallerView(String clientId, boolean admin) {}

    /** One minute, {@code [start, start + 1 minute)}, by the time the job last changed ({@code updatedAt}). */
    record Minute(Instant start, long sent, long failed) {}

    /**
     * @param messages  ready messages; {@code null} when the broker could not be asked
     * @param consumers consumers; {@code null} when the broker could not be asked
     */
    record QueueDepth(
            String name,

            @io.swagger.v3.oas.annotations.media.Schema(types = {"integer", "null"})
            Long messages,

            @io.swagger.v3.oas.annotations.media.Schema(types = {"integer", "null"})
            Long consumers) {}
}
