package io.notifyhub.model.store;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** How one attempt of a job ended, as stored in its history and shown by the API (the lower-case value). */
public enum AttemptOutcome {
    SENT("sent"),
    RETRY("retry"),
    FAILED("failed"),
    /** The worker holding the claim vanished before recording an outcome. */
    LOST("lost"),
    /** Not an attempt: the mark left where a failed job was re-queued by hand (its attempts start again from 0). */
    REQUEUED("requeued");

    private final String value;

    AttemptOutcome(String value) {
        this.value = value;
    }

    /** The stored and shown value; also the {@code outcome} tag of the delivery metrics. */
    @JsonValue
    public String value() {
        return value;
    }

    @JsonCreator
    public static AttemptOutcome of(String value) {
        return Arrays.stream(values())
                .filter(o -> o.value.equals(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown attempt outcome: " + value));
    }

    @Override
    public String toString() {
        return value;
    }
}
