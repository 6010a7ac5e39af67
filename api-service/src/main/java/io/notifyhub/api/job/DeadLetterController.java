package io.notifyhub.api.job;

import io.notifyhub.api.auth.Admins;
import io.notifyhub.api.auth.Caller;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobQuery;
import io.notifyhub.model.store.JobStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Dead letters: the jobs that ended {@code failed}, listed like {@code GET /api/jobs} and re-queued one by one or
 * by filter. A client sees and retries only its own; replaying by filter takes an admin key.
 */
@RestController
class DeadLetterController {

    static final int MAX_REPLAY = 10_000;
    private static final String NOT_A_FILTER = "is not a filter of dead letters: they are all failed";

    private final JobStore store;
    private final DeadLetterService service;
    private final ListProperties list;

    DeadLetterController(JobStore store, DeadLetterService service, ListProperties list) {
        this.list = list;
        this.store = store;
        this.service = service;
    }

    /**
     * Failed jobs, newest first, with the filters, {@code limit} and cursor paging ({@code Link}) of
     * {@code GET /api/jobs}, except {@code status}.
     */
    @GetMapping(path = "/api/dead-letters", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Failed jobs, newest first",
            parameters = {
                @Parameter(name = "type", in = ParameterIn.QUERY, schema = @Schema(implementation = Channel.class)),
                @Parameter(
                        name = "createdAfter",
                        in = ParameterIn.QUERY,
                        schema = @Schema(type = "string", format = "date-time")),
                @Parameter(
                        name = "createdBefore",
                        in = ParameterIn.QUERY,
                        schema = @Schema(type = "string", format = "date-time")),
                @Parameter(
                        name = "recipient",
                        in = ParameterIn.QUERY,
                        schema = @Schema(type = "string", maxLength = 4096)),
                @Parameter(
                        name = "limit",
                        in = ParameterIn.QUERY,
                        schema = @Schema(type = "integer", minimum = "1", maximum = "500", defaultValue = "50")),
                @Parameter(
                        name = "cursor",
                        in = ParameterIn.QUERY,
                        description = "from the Link header of the previous page",
                        schema = @Schema(type = "string"))
            })
    @ApiResponse(
            responseCode = "200",
            description = "A page of failed jobs",
            headers = @Header(name = "Link", description = "<...>; rel=\"next\" when there may be more"))
    @ApiResponse(
            responseCode = "400",
            description = "An unknown, repeated or invalid parameter (status is one)",
            content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<List<JobView>> list(
            @Parameter(hidden = true) Caller caller,
            @Parameter(hidden = true) @RequestParam MultiValueMap<String, String> params) {
        if (params.containsKey("status")) {
            throw new InvalidRequestException("status", NOT_A_FILTER);
        }
        JobQuery read = JobQueryReader.read(params);
        JobQuery query = new JobQuery(
                JobStatus.FAILED,
                read.type(),
                read.createdAfter(),
                read.createdBefore(),
                read.recipient(),
                read.after(),
                read.limit());
        return Pages.of(store.findPage(query, caller.scope(), list.maxPageSize().toBytes()));
    }

    /**
     * Re-queues one failed job: attempts from 0, error cleared, history kept, webhook armed again. {@code 200}
     * with the job, {@code 409} when it is not failed, {@code 404} when there is no such job.
     */
    @PostMapping(path = "/api/jobs/{id}/retry", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Re-queue one failed job")
    @ApiResponse(responseCode = "200", description = "Queued again: attempts from 0, history kept")
    @ApiResponse(
            responseCode = "404",
            description = "No such job (or not this client's)",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(
            responseCode = "409",
            description = "The job is not failed; jobStatus says what it is",
            content = @Content(mediaType = "application/problem+json"))
    JobView retry(@Parameter(hidden = true) Caller caller, @PathVariable String id) {
        Job current = store.find(id).filter(caller::canSee).orElseThrow(() -> new JobNotFoundException(id));
        return service.retry(current.id(), caller.scope()).map(JobView::of).orElseGet(() -> {
            JobStatus now = store.find(id).map(Job::status).orElseThrow(() -> new JobNotFoundException(id));
            throw JobConflict.of(
                    "Not retryable", "Job " + id + " is " + now + "; only a failed job can be retried.", now);
        });
    }

    /**
     * Re-queues every failed job matching {@code type}, {@code createdAfter}, {@code createdBefore} and
     * {@code recipient}, newest first, at most {@code limit} (1 to 10,000, default 10,000). Answers
     * {@code {"replayed": n}}.
     */
    @PostMapping(path = "/api/dead-letters/replay", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Re-queue every failed job matching a filter (admin)",
            parameters = {
                @Parameter(name = "type", in = ParameterIn.QUERY, schema = @Schema(implementation = Channel.class)),
                @Parameter(
                        name = "createdAfter",
                        in = ParameterIn.QUERY,
                        schema = @Schema(type = "string", format = "date-time")),
                @Parameter(
                        name = "createdBefore",
                        in = ParameterIn.QUERY,
                        schema = @Schema(type = "string", format = "date-time")),
                @Parameter(
                        name = "recipient",
                        in = ParameterIn.QUERY,
                        schema = @Schema(type = "string", maxLength = 4096)),
                @Parameter(
                        name = "limit",
                        in = ParameterIn.QUERY,
                        schema = @Schema(type = "integer", minimum = "1", maximum = "10000", defaultValue = "10000"))
            })
    @ApiResponse(responseCode = "200", description = "{\"replayed\": n}")
    @ApiResponse(
            responseCode = "400",
            description = "An unknown, repeated or invalid parameter",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(
            responseCode = "403",
            description = "Not an admin key",
            content = @Content(mediaType = "application/problem+json"))
    Map<String, Integer> replay(
            @Parameter(hidden = true) Caller caller,
            @Parameter(hidden = true) @RequestParam MultiValueMap<String, String> params) {
        Admins.require(caller);
        List<FieldProblem> problems = new ArrayList<>();
        for (String refused : List.of("status", "cursor")) {
            if (params.containsKey(refused)) {
                problems.add(new FieldProblem(
                        refused,
                        refused.equals("status")
                                ? NOT_A_FILTER
                                : "is not a parameter of a replay, which takes every match up to limit"));
            }
        }
        int limit = MAX_REPLAY;
        List<String> limits = params.getOrDefault("limit", List.of());
        if (limits.size() > 1) {
            problems.add(new FieldProblem("limit", "give it once"));
        } else if (limits.size() == 1) {
            try {
                limit = Integer.parseInt(limits.getFirst());
            } catch (NumberFormatException e) {
                limit = 0;
            }
            if (limit < 1 || limit > MAX_REPLAY) {
                problems.add(new FieldProblem("limit", "must be between 1 and " + MAX_REPLAY));
            }
        }
        MultiValueMap<String, String> filters = new LinkedMultiValueMap<>(params);
        List.of("status", "cursor", "limit").forEach(filters::remove);
        JobQuery filter = null;
        try {
            filter = JobQueryReader.read(filters);
        } catch (InvalidRequestException e) {
            problems.addAll(e.problems());
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        return Map.of("replayed", service.replay(filter, null, limit));
    }
}
