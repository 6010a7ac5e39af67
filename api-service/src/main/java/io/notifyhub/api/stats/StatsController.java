package io.notifyhub.api.stats;

import io.notifyhub.api.auth.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Read-only figures for the ops console's overview (and anyone else with a key). */
@RestController
class StatsController {

    private final StatsService stats;

    StatsController(StatsService stats) {
        this.stats = stats;
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
}
