package io.notifyhub.api.stats;

import io.notifyhub.api.auth.Admins;
import io.notifyhub.api.auth.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Read-only figures for the ops console's overview (and anyone else with a key). */
@RestController
class StatsController {

    private final StatsService stats;
    private final SeriesSampler series;

    StatsController(StatsService stats, SeriesSampler series) {
        this.stats = stats;
        this.series = series;
    }

    @GetMapping(path = "/api/stats", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Job counts by status and channel, throughput of the last minutes, queue depths",
            description = "Counts cover the caller's own jobs, every client's for an admin key. Queue depths are "
                    + "shown to admin keys only; for a client key `queues` is absent.")
    @ApiResponse(responseCode = "200", description = "The figures, taken now")
    Stats get(@Parameter(hidden = true) Caller caller) {
        return stats.of(caller);
    }

    @GetMapping(path = "/api/stats/series", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Recent samples of jobs sent, failed and waiting, system-wide (admin)",
            description = "Every `everySeconds` each API replica counts the jobs that became sent or failed since "
                    + "its last sample, and the backlog (queued and processing), and keeps the last `capacity` "
                    + "samples in memory: a restart empties them, and each replica answers its own.")
    @ApiResponse(responseCode = "200", description = "This replica's samples, oldest first")
    @ApiResponse(
            responseCode = "403",
            description = "Not an admin key (the counts are every client's traffic)",
            content = @Content(mediaType = "application/problem+json"))
    Series series(@Parameter(hidden = true) Caller caller) {
        Admins.require(caller);
        return series.series();
    }
}
