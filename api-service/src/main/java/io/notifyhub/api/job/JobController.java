package io.notifyhub.api.job;

import io.notifyhub.api.auth.Caller;
import io.notifyhub.api.backpressure.Backlogs;
import io.notifyhub.api.idempotency.IdempotencyKeys;
import io.notifyhub.api.ops.ApiMetrics;
import io.notifyhub.api.ratelimit.SubmissionLimits;
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
import java.net.URI;
import java.time.Clock;
import java.util.List;
import org.bson.types.ObjectId;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
@org.springframework.boot.context.properties.EnableConfigurationProperties(ListProperties.class)
@RequestMapping(path = "/api/jobs", produces = MediaType.APPLICATION_JSON_VALUE)
class JobController {

    static final String IDEMPOTENCY_KEY = IdempotentSubmission.IDEMPOTENCY_KEY;

    private final JobRequestReader reader;
    private final JobService service;
    private final JobStore store;
    private final IdempotentSubmission submissions;

    private final ApiMetrics metrics;
    private final SubmissionLimits limits;
    private final Clock clock;
    private final ListProperties list;
    private final Backlogs backlogs;

    JobController(
            JobRequestReader reader,
            JobService service,
            JobStore store,
            IdempotentSubmission submissions,
            ApiMetrics metrics,
            SubmissionLimits limits,
            Clock clock,
            ListProperties list,
            Backlogs backlogs) {
        this.backlogs = backlogs;
        this.list = list;
        this.limits = limits;
        this.metrics = metrics;
        this.clock = clock;
        this.reader = reader;
        this.service = service;
        this.store = store;
        this.submissions = submissions;
    }

    /**
     * Accepts a job. With an {@code Idempotency-Key}, a repeat of the same request answers the first
     * response again (with {@code Idempotent-Replayed: true}); see {@link IdempotencyKeys}.
     */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Submit a job",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content = @Content(schema = @Schema(implementation = JobRequestSchema.class))))
    @ApiResponse(
            responseCode = "201",
            description = "Accepted (stored, and queued or scheduled)",
            content = @Content(schema = @Schema(implementation = JobView.class)),
            headers = {
                @Header(name = "Location", description = "/api/jobs/{id}"),
                @Header(
                        name = "Idempotent-Replayed",
                        description = "true when this answers an earlier request " + "with the same Idempotency-Key")
            })
    @ApiResponse(
            responseCode = "409",
            description = "A request with this Idempotency-Key is still in flight",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(
            responseCode = "422",
            description = "This Idempotency-Key was used with a different request",
            content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<?> create(
            @Parameter(hidden = true) Caller caller,
            @RequestBody JsonNode body,
            @Parameter(
                            description = "makes a retried request safe: the same key and body answer the first "
                                    + "response again, for 24 hours")
                    @RequestHeader(name = IDEMPOTENCY_KEY, required = false)
                    String key) {
        NewJob request = reader.read(body, caller.clientId());
        backlogs.check(List.of(request.type()));
        limits.take(caller.clientId(), 1);
        if (key == null) {
            return created(JobView.of(service.accept(request, new ObjectId(), caller.clientId())));
        }
        return submissions.submit(
                caller.clientId(),
                key,
                request.fingerprint(),
                id -> created(JobView.of(service.accept(request, id, caller.clientId()))),
                id -> store.find(id.toHexString()).isEmpty(),
                id -> location(id.toHexString()));
    }

    private ResponseEntity<JobView> created(JobView job) {
        metrics.accepted(job.type());
        return ResponseEntity.created(location(job.id())).body(job);
    }

    private static URI location(String id) {
        return URI.create("/api/jobs/" + id);
    }

    /**
     * Cancels a scheduled or queued job: {@code 200} with the job, now {@code cancelled} (also when it already
     * was); a cancelled job is never sent. {@code 409} when a worker claimed it first, or it is finished.
     */
    @DeleteMapping("/{id}")
    @Operation(summary = "Cancel a scheduled or queued job")
    @ApiResponse(responseCode = "200", description = "Cancelled (also when it already was)")
    @ApiResponse(
            responseCode = "404",
            description = "No such job (or not this client's)",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(
            responseCode = "409",
            description = "A worker claimed it first, or it is finished; jobStatus says which",
            content = @Content(mediaType = "application/problem+json"))
    JobView cancel(@Parameter(hidden = true) Caller caller, @PathVariable String id) {
        Job current = store.find(id).filter(caller::canSee).orElseThrow(() -> new JobNotFoundException(id));
        if (current.status() == JobStatus.CANCELLED) {
            return JobView.of(current);
        }
        return store.cancel(current.id(), clock.instant()).map(JobView::of).orElseGet(() -> {
            Job now = store.find(id).orElseThrow(() -> new JobNotFoundException(id));
            throw JobConflict.of(
                    "Not cancellable",
                    "Job " + id + " is " + now.status() + " and can no longer be cancelled.",
                    now.status());
        });
    }

    @GetMapping("/{id}")
    @Operation(summary = "A job, with its attempts")
    @ApiResponse(responseCode = "200", description = "The job")
    @ApiResponse(
            responseCode = "404",
            description = "No such job (or not this client's)",
            content = @Content(mediaType = "application/problem+json"))
    JobView get(@Parameter(hidden = true) Caller caller, @PathVariable String id) {
        return store.find(id).filter(caller::canSee).map(JobView::of).orElseThrow(() -> new JobNotFoundException(id));
    }

    /**
     * The newest jobs first (ties broken by id), filtered by {@code status}, {@code type}, {@code createdAfter},
     * {@code createdBefore} and {@code recipient}, at most {@code limit} (1 to 500, default 50). When the page is
     * full (by count, or by {@code notifyhub.api.list.max-page-size}), {@code Link: <...>; rel="next"} points at the
     * next one.
     */
    @GetMapping
    @Operation(
            summary = "Jobs, newest first",
            parameters = {
                @Parameter(name = "status", in = ParameterIn.QUERY, schema = @Schema(implementation = JobStatus.class)),
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
                        description = "email address, phone number or device token",
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
            description = "A page of jobs",
            headers = @Header(name = "Link", description = "<...>; rel=\"next\" when there may be more"))
    @ApiResponse(
            responseCode = "400",
            description = "An unknown, repeated or invalid parameter",
            content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<List<JobView>> list(
            @Parameter(hidden = true) Caller caller,
            @Parameter(hidden = true) @RequestParam MultiValueMap<String, String> params) {
        JobQuery query = JobQueryReader.read(params).forClient(caller.scope());
        return Pages.of(
                store.findPage(query, query.clientId(), list.maxPageSize().toBytes()));
    }
}
