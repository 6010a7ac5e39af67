package io.notifyhub.api.job;

import io.notifyhub.api.auth.Caller;
import io.notifyhub.api.backpressure.Backlogs;
import io.notifyhub.api.idempotency.IdempotencyKeys;
import io.notifyhub.api.ops.ApiMetrics;
import io.notifyhub.api.ratelimit.SubmissionLimits;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import io.notifyhub.model.store.StoreFailures;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.List;
import org.bson.types.ObjectId;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code POST /api/jobs/batch}: up to {@value NewBatch#MAX_JOBS} jobs in one request, all or none. */
@RestController
@RequestMapping(path = "/api/jobs/batch", produces = MediaType.APPLICATION_JSON_VALUE)
class BatchController {

    private final BatchRequestReader reader;
    private final BatchService service;
    private final IdempotencyKeys keys;
    private final JsonMapper json;
    private final ApiMetrics metrics;
    private final SubmissionLimits limits;
    private final JobStore store;
    private final Backlogs backlogs;

    BatchController(
            BatchRequestReader reader,
            BatchService service,
            IdempotencyKeys keys,
            JsonMapper json,
            ApiMetrics metrics,
            SubmissionLimits limits,
            JobStore store,
            Backlogs backlogs) {
        this.backlogs = backlogs;
        this.limits = limits;
        this.store = store;
        this.reader = reader;
        this.service = service;
        this.keys = keys;
        this.json = json;
        this.metrics = metrics;
    }

    /** The body of a batch request, as the OpenAPI document shows it. */
    @Schema(name = "BatchRequest", requiredProperties = "jobs")
    record BatchRequestSchema(
            @ArraySchema(
                    schema = @Schema(implementation = JobRequestSchema.class),
                    minItems = 1,
                    maxItems = NewBatch.MAX_JOBS)
            List<JobRequestSchema> jobs) {}

    /** The ids of a stored batch, in request order. */
    record BatchView(List<String> ids) {}

    /**
     * Accepts a batch: {@code 201 {"ids": [...]}} in request order, or {@code 400} naming every bad item by
     * index, and then nothing is stored. An {@code Idempotency-Key} covers the whole batch as it does one job.
     */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Submit up to 1,000 jobs at once, all or none",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content = @Content(schema = @Schema(implementation = BatchRequestSchema.class))))
    @ApiResponse(
            responseCode = "201",
            description = "Every job accepted; their ids in request order",
            headers =
                    @Header(
                            name = "Idempotent-Replayed",
                            description =
                                    "true when this answers an earlier " + "request with the same Idempotency-Key"))
    @ApiResponse(
            responseCode = "400",
            description = "Some items are bad (each named by index, e.g. "
                    + "jobs[3].payload.recipient) or there are more than 1,000; nothing was stored",
            content = @Content(mediaType = "application/problem+json"))
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
            @Parameter(description = "makes a retried batch safe, as for one job")
                    @RequestHeader(name = JobController.IDEMPOTENCY_KEY, required = false)
                    String key) {
        NewBatch batch = reader.read(body, caller.clientId());
        backlogs.check(batch.jobs().stream().map(NewJob::type).distinct().toList()); // all or none
        limits.take(caller.clientId(), batch.jobs().size());
        if (key == null) {
            return created(service.accept(batch, batch.newIds(), caller.clientId()));
        }
        if (!IdempotencyKeys.isValidKey(key)) {
            throw new InvalidRequestException(
                    JobController.IDEMPOTENCY_KEY, "must be 1 to 255 visible ASCII characters");
        }
        String scopedKey = IdempotencyKeys.scoped(caller.clientId(), key);
        return switch (keys.begin(scopedKey, batch.fingerprint())) {
            case IdempotencyKeys.Outcome.Proceed proceed -> {
                List<Job> jobs;
                try {
                    jobs = service.accept(batch, batch.idsFor(proceed.jobId()), caller.clientId());
                } catch (RuntimeException e) {
                    List<ObjectId> ids = batch.idsFor(proceed.jobId());
                    // the key is freed only when no job of the batch is stored (a refusal before the insert);
                    // otherwise it stays in flight, and a repeat finishes the batch with the same ids
                    if (!StoreFailures.isUnavailable(e) && nothingStored(ids)) {
                        keys.release(scopedKey);
                    }
                    throw e;
                }
                ResponseEntity<BatchView> created = created(jobs);
                keys.complete(scopedKey, json.writeValueAsString(created.getBody()));
                yield created;
            }
            case IdempotencyKeys.Outcome.Replay replay ->
                ResponseEntity.status(HttpStatus.CREATED)
                        .header("Idempotent-Replayed", "true")
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(replay.response());
            case IdempotencyKeys.Outcome.InFlight inFlight ->
                throw conflict(
                        HttpStatus.CONFLICT, "A request with this Idempotency-Key is still in flight; retry shortly.");
            case IdempotencyKeys.Outcome.Mismatch mismatch ->
                throw conflict(
                        HttpStatus.UNPROCESSABLE_CONTENT, "This Idempotency-Key was used with a different request.");
        };
    }

    private boolean nothingStored(List<ObjectId> ids) {
        try {
            return store.countByIds(ids) == 0;
        } catch (RuntimeException unknown) {
            return false;
        }
    }

    private ResponseEntity<BatchView> created(List<Job> jobs) {
        jobs.forEach(job -> metrics.accepted(job.type()));
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(new BatchView(jobs.stream().map(Job::idHex).toList()));
    }

    private ErrorResponseException conflict(HttpStatus status, String detail) {
        metrics.rejected(ApiMetrics.Rejection.IDEMPOTENCY_CONFLICT);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle("Idempotency-Key conflict");
        return new ErrorResponseException(status, problem, null);
    }
}
