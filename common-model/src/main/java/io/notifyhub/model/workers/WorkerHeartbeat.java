package io.notifyhub.model.workers;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * What each worker tells about itself every few seconds, upserted into the {@code workers} collection under its
 * id; the API serves the collection to the console's workers view. A worker stopped gracefully removes its
 * document; one that died stops refreshing it, so its {@code seenAt} ages (the API shows it silent) until
 * {@code expiresAt}, when MongoDB's TTL monitor removes it and the API stops showing it.
 *
 * @param id            the worker's id ({@code notifyhub.worker.id}), as in job claims and attempt history
 * @param channels      the channels it consumes
 * @param inFlight      deliveries running now (both priority lanes)
 * @param inFlightLimit deliveries it runs at most at once (both lanes)
 * @param breakers      the state of each provider's circuit breaker
 * @param startedAt     when the worker started
 * @param seenAt        when it wrote this
 * @param everyMillis   how often it writes, in milliseconds
 * @param expiresAt     when this document is removed if not written again
 */
@Document(WorkerHeartbeat.COLLECTION)
public record WorkerHeartbeat(
        @Id String id,
        List<String> channels,
        int inFlight,
        int inFlightLimit,
        List<Breaker> breakers,
        Instant startedAt,
        Instant seenAt,
        long everyMillis,
        Instant expiresAt) {

    public static final String COLLECTION = "workers";
    public static final String FIELD_EXPIRES_AT = "expiresAt";

    /** A heartbeat older than this many intervals means the worker is silent (stopped, stuck or cut off). */
    public static final int SILENT_AFTER_BEATS = 3;

    /** A provider's circuit breaker: its name and state ({@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}...). */
    public record Breaker(String name, String state) {}

    /** Whether the worker missed {@link #SILENT_AFTER_BEATS} heartbeats by {@code now}. */
    public boolean silentAt(Instant now) {
        return seenAt.plus(Duration.ofMillis(everyMillis).multipliedBy(SILENT_AFTER_BEATS))
                .isBefore(now);
    }
}
