package io.notifyhub.api.job;

import io.notifyhub.model.JobStatus;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** The 409 of a change the job's status does not allow (a cancel, a re-queue), with {@code jobStatus} saying why. */
final class JobConflict {

    private JobConflict() {}

    static ErrorResponseException of(String title, String detail, JobStatus status) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, detail);
        problem.setTitle(title);
        problem.setProperty("jobStatus", status.value());
        return new ErrorResponseException(HttpStatus.CONFLICT, problem, null);
    }
}
