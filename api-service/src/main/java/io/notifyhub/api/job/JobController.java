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
import io.notifyhub.model.store.StoreFailures;
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
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.ErrorResponseException;
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
import tools.jackson.databind.json.JsonMapper;

@RestController
@org.springframework.boot.context.properties.EnableConfigurationProperties(ListProperties.class)
@RequestMapping(path = "/api/jobs", produces = MediaType.APPLICATION_JSON_VALUE)
class JobController {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final JobRequestReader reader;
    private final JobService service;
    private final JobStore store;
    private final IdempotencyKeys keys;
    private final JsonMapper json;

    private final ApiMetrics metrics;
    private final SubmissionLimits limits;
    private final Clock clock;
    private final ListProperties list;
    private final Backlogs backlogs;

    JobController(
            JobRequestReader reader,
            JobService service,
            JobStore store,
            IdempotencyKeys keys,
            JsonMapper json,
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
        this.keys = keys;
        this.json = json;
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
        if (!IdempotencyKeys.isValidKey(key)) {
            throw new InvalidRequestException(IDEMPOTENCY_KEY, "must be 1 to 255 visible ASCII characters");
        }
        String scopedKey = IdempotencyKeys.scoped(caller.clientId(), key); // one client's key never meets another's
        return switch (keys.begin(scopedKey, request.fingerprint())) {
            case IdempotencyKeys.Outcome.Proceed proceed -> {
                JobView job;
                try {
                    job = JobView.of(service.accept(request, proceed.jobId(), caller.clientId()));
                } catch (RuntimeException e) {
                    releaseIfNothingStored(scopedKey, e, proceed.jobId());
                    throw e;
                }
                keys.complete(scopedKey, json.writeValueAsString(job));
                yield created(job);
            }
            case IdempotencyKeys.Outcome.Replay replay ->
                ResponseEntity.created(location(replay.jobId().toHexString()))
                        .header("Idempotent-Replayed", "true")
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(replay.response());
            case IdempotencyKeys.Outcome.InFlight inFlight ->
                throw problem(
                        HttpStatus.CONFLICT, "A request with this Idempotency-Key is still in flight; retry shortly.");
            case IdempotencyKeys.Outcome.Mismatch mismatch ->
                throw problem(
                        HttpStatus.UNPROCESSABLE_CONTENT, "This Idempotency-Key was used with a different request.");
        };
    }

    /**
     * After a failed request, frees its Idempotency-Key only when the job is known not to be stored: a refusal
     * before the insert. After a store timeout, or when the job is there (a failure after the insert), the key
     * stays in flight, and a repeat once it times out finishes the request with the same job id rather than
     * storing a second job.
     */
    private void releaseIfNothingStored(String scopedKey, RuntimeException failure, ObjectId jobId) {
        if (StoreFailures.isUnavailable(failure)) {
            return;
        }
        try {
            if (store.find(jobId.toHexString()).isEmpty()) {
                keys.release(scopedKey);
            }
        } catch (RuntimeException unknown) {
            // cannot tell: keep the key in flight
        }
    }

    private ResponseEntity<JobView> created(JobView job) {
        metrics.accepted(job.type());
        return ResponseEntity.created(location(job.id())).body(job);
    }

    private static URI location(String id) {
        return URI.create("/api/jobs/" + id);
    }

    private ErrorResponseException problem(HttpStatus status, String detail) {
        metrics.rejected(ApiMetrics.Rejection.IDEMPOTENCY_CONFLICT);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle("Idempotency-Key conflict");
        return new ErrorResponseException(status, problem, null);
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
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                    HttpStatus.CONFLICT, "Job " + id + " is " + now.status() + " and can no longer be cancelled.");
            problem.setTitle("Not cancellable");
            problem.setProperty("jobStatus", now.status().value());
            throw new ErrorResponseException(HttpStatus.CONFLICT, problem, null);
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
