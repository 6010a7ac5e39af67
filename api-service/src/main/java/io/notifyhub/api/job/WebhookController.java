package io.notifyhub.api.job;

import io.notifyhub.api.auth.Caller;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Where a job's status webhook stands, apart from the job itself: the job ({@code GET /api/jobs/{id}}) is also the
 * webhook's body, which must not carry the state of its own delivery.
 */
@RestController
class WebhookController {

    private final JobStore store;

    WebhookController(JobStore store) {
        this.store = store;
    }

    @GetMapping(path = "/api/jobs/{id}/webhook", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "A job's status webhook: waiting, due, delivered or given up, with its tries")
    @ApiResponse(responseCode = "200", description = "The webhook's state")
    @ApiResponse(
            responseCode = "404",
            description = "No such job (or not this client's), or the job has no status webhook",
            content = @Content(mediaType = "application/problem+json"))
    WebhookView get(@Parameter(hidden = true) Caller caller, @PathVariable String id) {
        Job job = store.find(id).filter(caller::canSee).orElseThrow(() -> new JobNotFoundException(id));
        WebhookView webhook = WebhookView.of(job.callback(), job.status());
        if (webhook == null) {
            ProblemDetail problem =
                    ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "Job " + id + " has no status webhook.");
            problem.setTitle("No status webhook");
            throw new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
        }
        return webhook;
    }
}
