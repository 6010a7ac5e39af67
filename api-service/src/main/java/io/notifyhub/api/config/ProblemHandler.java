package io.notifyhub.api.config;

import com.mongodb.MongoException;
import io.notifyhub.api.backpressure.BacklogFullException;
import io.notifyhub.api.job.FieldProblem;
import io.notifyhub.api.job.InvalidRequestException;
import io.notifyhub.api.job.JobNotFoundException;
import io.notifyhub.api.ops.ApiMetrics;
import io.notifyhub.api.ratelimit.RateLimitedException;
import io.notifyhub.model.store.StoreFailures;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error as RFC 9457 {@code application/problem+json}. A 400 lists each bad field and why under
 * {@code errors}; a store outage is a 503 with {@code Retry-After}.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    private final ApiMetrics metrics;

    ProblemHandler(ApiMetrics metrics) {
        this.metrics = metrics;
    }

    @ExceptionHandler(InvalidRequestException.class)
    ProblemDetail invalid(InvalidRequestException e) {
        return badRequest("The request is invalid.", e.problems());
    }

    /**
     * Over the client's limit: {@code 429} with {@code Retry-After} and the IETF draft's {@code RateLimit-Policy}
     * and {@code RateLimit} headers (policy {@code "submissions"}: q jobs per w seconds; r left, t seconds).
     */
    @ExceptionHandler(RateLimitedException.class)
    ResponseEntity<ProblemDetail> rateLimited(RateLimitedException e) {
        metrics.rejected(ApiMetrics.Rejection.RATE_LIMITED);
        ProblemDetail problem =
                ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS, e.getMessage() + " Nothing was stored.");
        problem.setTitle("Rate limit exceeded");
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(e.retryAfterSeconds()))
                .header("RateLimit-Policy", "\"submissions\";q=" + e.limit() + ";w=" + e.windowSeconds())
                .header("RateLimit", "\"submissions\";r=0;t=" + e.retryAfterSeconds())
                .body(problem);
    }

    /**
     * A channel's backlog is over its bound: {@code 503} with {@code Retry-After}, naming the channels
     * ({@code backlogs}: channel to ready messages, as last read).
     */
    @ExceptionHandler(BacklogFullException.class)
    ResponseEntity<ProblemDetail> backlogFull(BacklogFullException e) {
        metrics.rejected(ApiMetrics.Rejection.BACKLOG);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.SERVICE_UNAVAILABLE,
                e.getMessage() + " Nothing was stored; retry in " + e.retryAfterSeconds() + " s.");
        problem.setTitle("Backlog full");
        Map<String, Long> backlogs = new TreeMap<>();
        e.backlogs().forEach((channel, backlog) -> backlogs.put(channel.value(), backlog));
        problem.setProperty("backlogs", backlogs);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(e.retryAfterSeconds()))
                .body(problem);
    }

    @ExceptionHandler(JobNotFoundException.class)
    ProblemDetail notFound(JobNotFoundException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        problem.setTitle("Job not found");
        return problem;
    }

    /** An unreachable store is a 503 (try again); any other store failure is ours, a 500. */
    @ExceptionHandler({DataAccessException.class, MongoException.class})
    ResponseEntity<ProblemDetail> storeFailure(RuntimeException e) {
        if (!StoreFailures.isUnavailable(e)) {
            log.error("Store error", e);
            return ResponseEntity.internalServerError()
                    .body(ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR, "The job store failed."));
        }
        log.warn("Store unavailable: {}", e.getMessage());
        metrics.rejected(ApiMetrics.Rejection.STORE_UNAVAILABLE);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.SERVICE_UNAVAILABLE, "The job store is unavailable; nothing was stored. Try again shortly.");
        problem.setTitle("Store unavailable");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "2")
                .body(problem);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BodyTooLargeException tooLarge) {
                metrics.rejected(ApiMetrics.Rejection.TOO_LARGE);
                ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                        HttpStatus.CONTENT_TOO_LARGE, BodyTooLargeException.detail(tooLarge.max()));
                problem.setTitle("Content Too Large");
                return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(problem);
            }
        }
        String reason = e.getMessage() == null || e.getMessage().startsWith("Required request body")
                ? "is missing or empty"
                : "is not valid JSON";
        return ResponseEntity.badRequest()
                .body(badRequest("The body is not a JSON object.", List.of(new FieldProblem("body", reason))));
    }

    /** A body that is not JSON is a bad request like any other malformed body. */
    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(
            HttpMediaTypeNotSupportedException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String given = e.getContentType() == null ? "none" : e.getContentType().toString();
        return ResponseEntity.badRequest()
                .body(badRequest(
                        "The body must be JSON.",
                        List.of(new FieldProblem("Content-Type", "must be application/json, was " + given))));
    }

    private ProblemDetail badRequest(String detail, List<FieldProblem> problems) {
        metrics.rejected(ApiMetrics.Rejection.INVALID);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        problem.setTitle("Invalid request");
        problem.setProperty("errors", problems);
        return problem;
    }
}
