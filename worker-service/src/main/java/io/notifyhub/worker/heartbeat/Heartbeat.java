package io.notifyhub.worker.heartbeat;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.notifyhub.model.Channel;
import io.notifyhub.model.store.IndexCreation;
import io.notifyhub.model.workers.WorkerHeartbeat;
import io.notifyhub.worker.config.WorkerProperties;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.stereotype.Component;

/**
 * Writes this worker's {@link WorkerHeartbeat} (deliveries in flight, its limit, each provider breaker's state)
 * into the {@code workers} collection every {@code notifyhub.worker.heartbeat.every}, for the console's workers
 * view. In flight and the limit are read from the worker's own gauges, the breakers from their registry, so the
 * heartbeat tells what Prometheus is told. A write that fails (store down) is logged and tried at the next beat;
 * it never affects deliveries. A graceful stop removes the document.
 */
@Component
class Heartbeat {

    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final MongoOperations mongo;
    private final MeterRegistry meters;
    private final CircuitBreakerRegistry breakers;
    private final WorkerProperties worker;
    private final HeartbeatProperties properties;
    private final Clock clock;
    private final Instant startedAt;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("heartbeat").daemon(true).factory());

    Heartbeat(
            MongoOperations mongo,
            MeterRegistry meters,
            CircuitBreakerRegistry breakers,
            WorkerProperties worker,
            HeartbeatProperties properties,
            Clock clock) {
        this.mongo = mongo;
        this.meters = meters;
        this.breakers = breakers;
        this.worker = worker;
        this.properties = properties;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        IndexCreation.createOrLater(
                log,
                "workers TTL index",
                () -> mongo.indexOps(WorkerHeartbeat.class)
                        .createIndex(new Index()
                                .on(WorkerHeartbeat.FIELD_EXPIRES_AT, Sort.Direction.ASC)
                                .expire(0, TimeUnit.SECONDS)));
        long every = properties.every().toMillis();
        timer.scheduleWithFixedDelay(this::beat, 0, every, TimeUnit.MILLISECONDS);
    }

    void beat() {
        try {
            mongo.save(now());
        } catch (RuntimeException e) {
            log.debug("Heartbeat not written: {}", e.getMessage());
        }
    }

    WorkerHeartbeat now() {
        Instant now = clock.instant();
        List<WorkerHeartbeat.Breaker> states = breakers.getAllCircuitBreakers().stream()
                .map(breaker -> new WorkerHeartbeat.Breaker(
                        breaker.getName(), breaker.getState().name()))
                .sorted(Comparator.comparing(WorkerHeartbeat.Breaker::name))
                .toList();
        return new WorkerHeartbeat(
                worker.id(),
                worker.channels().stream().map(Channel::value).toList(),
                (int) sum("notifyhub.worker.deliveries.in.flight"),
                (int) sum("notifyhub.worker.deliveries.in.flight.limit"),
                states,
                startedAt,
                now,
                properties.every().toMillis(),
                now.plus(properties.expireAfter()));
    }

    private double sum(String gauge) {
        return meters.find(gauge).gauges().stream().mapToDouble(Gauge::value).sum();
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
        try {
            mongo.remove(
                    org.springframework.data.mongodb.core.query.Query.query(
                            org.springframework.data.mongodb.core.query.Criteria.where("_id")
                                    .is(worker.id())),
                    WorkerHeartbeat.class);
        } catch (RuntimeException e) {
            log.debug("Heartbeat not removed: {}", e.getMessage());
        }
    }
}
