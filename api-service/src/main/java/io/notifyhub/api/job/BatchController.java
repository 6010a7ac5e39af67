package io.notifyhub.api.job;

import io.notifyhub.api.auth.Caller;
import io.notifyhub.api.backpressure.Backlogs;
import io.notifyhub.api.ops.ApiMetrics;
import io.notifyhub.api.ratelimit.SubmissionLimits;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code POST /api/jobs/batch}: up to {@value NewBatch#MAX_JOBS} jobs in one request, all or none. */
@RestController
@RequestMapping(path = "/api/jobs/batch", produces = MediaType.APPLICATION_JSON_VALUE)
class BatchController {

    private final BatchRequestReader reader;
    private final BatchService service;
    private final IdempotentSubmission submissions;
    private final ApiMetrics metrics;
    private final SubmissionLimits limits;
    private final JobStore store;
    private final Backlogs backlogs;

    BatchController(
            BatchRequestReader reader,
            BatchService service,
            IdempotentSubmission submissions,
            ApiMetrics metrics,
            SubmissionLimits limits,
            JobStore store,
            Backlogs backlogs) {
        this.backlogs = backlogs;
        this.limits = limits;
        this.store = store;
        this.reader = reader;
        this.service = service;
        this.submissions = submissions;
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
        return submissions.submit(
                caller.clientId(),
                key,
                batch.fingerprint(),
                first -> created(service.accept(batch, batch.idsFor(first), caller.clientId())),
                first -> store.countByIds(batch.idsFor(first)) == 0,
                null);
    }

    private ResponseEntity<BatchView> created(List<Job> jobs) {
        jobs.forEach(job -> metrics.accepted(job.type()));
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(new BatchView(jobs.stream().map(Job::idHex).toList()));
    }
}
