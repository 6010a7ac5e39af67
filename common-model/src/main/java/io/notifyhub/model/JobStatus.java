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

    public boolean isTerminal() {
        return JobStatusTransitions.allowedFrom(this).isEmpty();
    }

    @Override
    public String toString() {
        return value;
    }
}
