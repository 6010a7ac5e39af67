package io.notifyhub.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** The lifecycle of a job. Which status may follow which is decided by {@link JobStatusTransitions} alone. */
public enum JobStatus {
    SCHEDULED("scheduled"),
    QUEUED("queued"),
    PROCESSING("processing"),
    SENT("sent"),
    FAILED("failed"),
    CANCELLED("cancelled");

    private final String value;

    JobStatus(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }

    @JsonCreator
    public static JobStatus of(String value) {
        return Arrays.stream(values())
                .filter(s -> s.value.equals(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown status: " + value));
    }

    /**
     * Whether the job's delivery is over: its outcome is final and its status webhook falls due. A failed job
     * is final too, although it may be re-queued by hand (which starts a new outcome).
     */
    public boolean isTerminal() {
        return this == SENT || this == FAILED || this == CANCELLED;
    }

    @Override
    public String toString() {
        return value;
    }
}
