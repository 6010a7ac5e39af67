package io.notifyhub.api.job;

/** No job has this id; answered with 404. */
public class JobNotFoundException extends RuntimeException {

    public JobNotFoundException(String id) {
        super("no job with id " + id);
    }
}
