package io.notifyhub.api.workers;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import io.notifyhub.api.auth.Admins;
import io.notifyhub.api.auth.Caller;
import io.notifyhub.model.workers.WorkerHeartbeat;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The workers as their heartbeats tell (see {@link WorkerHeartbeat}), for admin keys: the console's workers view.
 * A heartbeat past its {@code expiresAt} is left out whether or not the store's TTL monitor has removed it yet.
 */
@RestController
class WorkersController {

    /** More workers than any deployment runs; the answer stays bounded whatever the collection holds. */
    static final int MAX_WORKERS = 500;

    private final MongoOperations mongo;
    private final Clock clock;

    WorkersController(MongoOperations mongo, Clock clock) {
        this.mongo = mongo;
        this.clock = clock;
    }

    @GetMapping(path = "/api/admin/workers", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Workers by their heartbeats: deliveries in flight, last seen, breaker states (admin)",
            description = "Each worker writes a heartbeat every few seconds; one that missed "
                    + WorkerHeartbeat.SILENT_AFTER_BEATS + " is shown `silent` until its heartbeat expires.")
    @ApiResponse(responseCode = "200", description = "The workers, by id (at most " + MAX_WORKERS + ")")
    @ApiResponse(
            responseCode = "403",
            description = "Not an admin key",
            content = @Content(mediaType = "application/problem+json"))
    List<WorkerView> list(@Parameter(hidden = true) Caller caller) {
        Admins.require(caller);
        Instant now = clock.instant();
        Query live = Query.query(where(WorkerHeartbeat.FIELD_EXPIRES_AT).gt(now))
                .with(Sort.by("_id"))
                .limit(MAX_WORKERS);
        return mongo.find(live, WorkerHeartbeat.class).stream()
                .map(beat -> WorkerView.of(beat, now))
                .toList();
    }

    /**
     * @param state      {@code up}, or {@code silent} when the worker missed its last heartbeats
     * @param seenSecondsAgo seconds since its last heartbeat
     */
    @io.swagger.v3.oas.annotations.media.Schema(name = "Worker")
    record WorkerView(
            String id,
            String state,
            List<String> channels,
            int inFlight,
            int inFlightLimit,
            List<WorkerHeartbeat.Breaker> breakers,
            Instant startedAt,
            Instant seenAt,
            long seenSecondsAgo) {

        static WorkerView of(WorkerHeartbeat beat, Instant now) {
            return new WorkerView(
                    beat.id(),
                    beat.silentAt(now) ? "silent" : "up",
                    beat.channels(),
                    beat.inFlight(),
                    beat.inFlightLimit(),
                    beat.breakers(),
                    beat.startedAt(),
                    beat.seenAt(),
                    Math.max(0, java.time.Duration.between(beat.seenAt(), now).toSeconds()));
        }
    }
}
