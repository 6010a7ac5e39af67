package io.notifyhub.api.stats;

import io.notifyhub.api.auth.Caller;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.store.IndexCreation;
import io.notifyhub.model.store.JobStore;
import io.notifyhub.model.topology.Topology;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Counts for the ops console, read on demand: one count per status, channel and minute, scoped to the caller's
 * client as {@code GET /api/jobs} is; and, for admins, the depth of every queue the {@link Topology} declares,
 * asked of the broker. The counts by status and by minute use two indexes of their own ({@code status, updatedAt}
 * and {@code clientId, status, updatedAt}); a client's counts by channel walk that client's entries of the
 * {@code clientId} index.
 */
@Service
class StatsService {

    /** How many minutes of throughput the overview shows. */
    static final int MINUTES = 5;

    private static final Logger log = LoggerFactory.getLogger(StatsService.class);

    private final JobStore store;
    private final AmqpAdmin admin;
    private final List<String> queues;
    private final Clock clock;

    StatsService(JobStore store, AmqpAdmin admin, Topology topology, Clock clock) {
        this.store = store;
        this.admin = admin;
        this.clock = clock;
        // the dead-letter queue, the work queues, the delay queues, as they are declared
        List<String> declared = topology.declarables().getDeclarablesByType(Queue.class).stream()
                .map(Queue::getName)
                .toList();
        this.queues = java.util.stream.Stream.of(
                        declared.subList(0, 1),
                        topology.workQueues().stream()
                                .map(work -> work.queue().getName())
                                .toList(),
                        declared.subList(1, declared.size()))
                .flatMap(List::stream)
                .toList();
    }

    /** The indexes of the counts; a store that is down at start-up does not stop the service. */
    @EventListener(ApplicationReadyEvent.class)
    void createIndexes() {
        IndexCreation.createOrLater(log, "stats indexes", store::createStatsIndexes);
    }

    Stats of(Caller caller) {
        Instant now = clock.instant();
        Map<String, Long> byStatus = new LinkedHashMap<>();
        for (JobStatus status : JobStatus.values()) {
            byStatus.put(status.value(), store.queries().count(caller.scope(), status, null, null, null));
        }
        Map<String, Long> byType = new LinkedHashMap<>();
        for (Channel channel : Channel.values()) {
            byType.put(channel.value(), store.queries().count(caller.scope(), null, channel, null, null));
        }
        List<Stats.Minute> throughput = new ArrayList<>();
        Instant thisMinute = now.truncatedTo(ChronoUnit.MINUTES);
        for (int i = MINUTES - 1; i >= 0; i--) {
            Instant start = thisMinute.minus(Duration.ofMinutes(i));
            Instant end = start.plus(Duration.ofMinutes(1));
            throughput.add(new Stats.Minute(
                    start,
                    finished(caller, JobStatus.SENT, start, end),
                    finished(caller, JobStatus.FAILED, start, end)));
        }
        return new Stats(
                new Stats.CallerView(caller.clientId(), caller.admin()),
                now,
                byStatus,
                byType,
                throughput,
                caller.admin() ? queueDepths() : null);
    }

    private long finished(Caller caller, JobStatus status, Instant from, Instant to) {
        return store.queries().count(caller.scope(), status, null, from, to);
    }

    /** Every queue's depth; a queue the broker cannot tell about (down, or not declared yet) shows no figures. */
    private List<Stats.QueueDepth> queueDepths() {
        List<Stats.QueueDepth> depths = new ArrayList<>();
        for (String queue : queues) {
            QueueInformation info = null;
            try {
                info = admin.getQueueInfo(queue);
            } catch (RuntimeException e) {
                log.debug("Depth of {} unknown: {}", queue, e.getMessage());
            }
            depths.add(
                    info == null
                            ? new Stats.QueueDepth(queue, null, null)
                            : new Stats.QueueDepth(
                                    queue, (long) info.getMessageCount(), (long) info.getConsumerCount()));
        }
        return depths;
    }
}
