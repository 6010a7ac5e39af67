package io.notifyhub.model;

import static io.notifyhub.model.JobStatus.CANCELLED;
import static io.notifyhub.model.JobStatus.FAILED;
import static io.notifyhub.model.JobStatus.PROCESSING;
import static io.notifyhub.model.JobStatus.QUEUED;
import static io.notifyhub.model.JobStatus.SENT;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * The one table of allowed status changes. Every status change in the store goes through
 * {@link #check(JobStatus, JobStatus)} and is written with the allowed source statuses as a guard.
 */
public final class JobStatusTransitions {

    private JobStatusTransitions() {}

    public static Set<JobStatus> allowedFrom(JobStatus from) {
        return switch (from) {
            // scheduling arrives with the full API; a scheduled job becomes due or is cancelled
            case SCHEDULED -> EnumSet.of(QUEUED, CANCELLED);
            // a worker claims it; a poison job may be failed before any attempt
            case QUEUED -> EnumSet.of(PROCESSING, FAILED, CANCELLED);
            // the holder of the claim records the outcome; an expired lease may be claimed again
            case PROCESSING -> EnumSet.of(SENT, QUEUED, FAILED, PROCESSING);
            // a dead letter may be re-queued by hand (POST /api/jobs/{id}/retry, or a replay)
            case FAILED -> EnumSet.of(QUEUED);
            case SENT, CANCELLED -> EnumSet.noneOf(JobStatus.class);
        };
    }

    public static boolean isAllowed(JobStatus from, JobStatus to) {
        return allowedFrom(from).contains(to);
    }

    /** The statuses a job may be in for a change to {@code to}. */
    public static Set<JobStatus> sourcesOf(JobStatus to) {
        EnumSet<JobStatus> sources = EnumSet.noneOf(JobStatus.class);
        Arrays.stream(JobStatus.values()).filter(from -> isAllowed(from, to)).forEach(sources::add);
        return sources;
    }

    public static void check(JobStatus from, JobStatus to) {
        if (!isAllowed(from, to)) {
            throw new IllegalTransitionException(from, to);
        }
    }

    /** Raised for a status change the table does not allow. */
    public static final class IllegalTransitionException extends IllegalStateException {
        public IllegalTransitionException(JobStatus from, JobStatus to) {
            super("illegal status change " + from + " -> " + to);
        }
    }
}
