package io.notifyhub.api.ops;

import com.mongodb.MongoException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.Priority;
import io.notifyhub.model.store.JobStore;
import io.notifyhub.model.store.StoreFailures;
import io.notifyhub.model.topology.Topology;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Gauges of the whole system, refreshed every few seconds by each API replica (dashboards take the max
 * over replicas): jobs per status, the age of the oldest stored-but-unpublished job, and the ready
 * messages and consumers of every work, delay and dead-letter queue.
 *
 * <p>The jobs still under way (scheduled, queued, processing) are as many as the backlog, so they are counted
 * at every refresh. The finished ones (sent, failed, cancelled) are every job ever kept: counting them walks an
 * index that only grows, so they are counted less often ({@code notifyhub.metrics.terminal-refresh}); the
 * workers' delivery counters give their rates by the second.
 */
@Component
class SystemGauges {

    private static final Logger log = LoggerFactory.getLogger(SystemGauges.class);

    private final JobStore store;
    private final AmqpAdmin admin;
    private final Clock clock;
    private final List<String> queues = new ArrayList<>();
    private final Map<JobStatus, Long> perStatus = new EnumMap<>(JobStatus.class);
    private final Map<String, Long> ready = new ConcurrentHashMap<>();
    private final Map<String, Long> consumers = new ConcurrentHashMap<>();
    private final Duration terminalRefresh;
    private Instant terminalCounted = Instant.MIN;
    private volatile double oldestUnpublishedSeconds;
    private volatile double ttlDeleted = Double.NaN;
    private final MongoTemplate mongo;

    SystemGauges(
            JobStore store,
            AmqpAdmin admin,
            Topology topology,
            MeterRegistry registry,
            Clock clock,
            @Value("${notifyhub.metrics.terminal-refresh:1m}") Duration terminalRefresh,
            MongoTemplate mongo) {
        this.store = store;
        this.mongo = mongo;
        this.terminalRefresh = terminalRefresh;
        this.admin = admin;
        this.clock = clock;
        for (Channel channel : Channel.values()) {
            for (Priority priority : Priority.values()) {
                queues.add(Topology.workQueue(channel, priority));
            }
        }
        topology.delayTiers().forEach(tier -> queues.add(Topology.delayName(tier)));
        queues.add(Topology.DEAD_LETTER_QUEUE);
        for (JobStatus status : JobStatus.values()) {
            perStatus.put(status, 0L);
            Gauge.builder("notifyhub.jobs", perStatus, m -> m.get(status))
                    .description("Jobs in the store, by status")
                    .tag("status", status.value())
                    .register(registry);
        }
        for (String queue : queues) {
            Gauge.builder("notifyhub.queue.messages.ready", ready, m -> m.getOrDefault(queue, 0L))
                    .description("Messages ready in the queue")
                    .tag("queue", queue)
                    .register(registry);
            Gauge.builder("notifyhub.queue.consumers", consumers, m -> m.getOrDefault(queue, 0L))
                    .description("Consumers of the queue")
                    .tag("queue", queue)
                    .register(registry);
        }
        TimeGauge.builder("notifyhub.unpublished.oldest.age", this, TimeUnit.SECONDS, g -> g.oldestUnpublishedSeconds)
                .description("How long the oldest stored job has waited for its message to be confirmed")
                .register(registry);
        // MongoDB does not report its TTL deletes to clients; it counts them in serverStatus (all collections)
        FunctionCounter.builder("notifyhub.store.ttl.deleted", this, g -> g.ttlDeleted)
                .description("Documents the store's TTL monitor deleted (serverStatus metrics.ttl.deletedDocuments): "
                        + "finished jobs past their retention, expired idempotency keys and rate-limit buckets")
                .register(registry);
    }

    /** What the store says its TTL monitor deleted; NaN where it does not say (or this user may not ask). */
    private double ttlDeleted() {
        try {
            Document status = mongo.getMongoDatabaseFactory()
                    .getMongoDatabase("admin")
                    .runCommand(new Document("serverStatus", 1));
            if (status.get("metrics") instanceof Document metrics
                    && metrics.get("ttl") instanceof Document ttl
                    && ttl.get("deletedDocuments") instanceof Number deleted) {
                return deleted.doubleValue();
            }
        } catch (MongoException notAnswered) {
            // not allowed (no clusterMonitor role), or not answered now: the other gauges go on
            log.debug("serverStatus not answered: {}", notAnswered.getMessage());
        }
        return Double.NaN;
    }

    @Scheduled(fixedDelayString = "${notifyhub.metrics.refresh:5s}", initialDelay = 1000)
    void refresh() {
        try {
            Instant now = clock.instant();
            boolean countTerminal = !now.isBefore(terminalCounted.plus(terminalRefresh));
            for (JobStatus status : JobStatus.values()) {
                if (countTerminal || !status.isTerminal()) {
                    perStatus.put(status, store.count(status));
                }
            }
            if (countTerminal) {
                terminalCounted = now;
            }
            ttlDeleted = ttlDeleted();
            oldestUnpublishedSeconds = store.oldestUnpublished()
                    .map(created -> Math.max(
                            0, Duration.between(created, clock.instant()).toMillis() / 1000.0))
                    .orElse(0.0);
        } catch (RuntimeException e) {
            if (!StoreFailures.isUnavailable(e)) {
                throw e;
            }
            log.debug("Job gauges not refreshed, store unavailable: {}", e.getMessage());
        }
        try {
            for (String queue : queues) {
                QueueInformation info = admin.getQueueInfo(queue);
                if (info != null) {
                    ready.put(queue, (long) info.getMessageCount());
                    consumers.put(queue, (long) info.getConsumerCount());
                }
            }
        } catch (RuntimeException e) {
            log.debug("Queue gauges not refreshed, broker unavailable: {}", e.getMessage());
        }
    }
}
