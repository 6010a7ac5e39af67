package io.notifyhub.api.auth;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** The admin scope check: a {@code 403} problem for a client key. */
public final class Admins {

    private Admins() {}

    public static void require(Caller caller) {
        if (!caller.admin()) {
            ProblemDetail problem =
                    ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, "This needs an admin API key.");
            problem.setTitle("Admin scope required");
            throw new ErrorResponseException(HttpStatus.FORBIDDEN, problem, null);
        }
    }
}
