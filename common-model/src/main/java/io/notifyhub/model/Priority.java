package io.notifyhub.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** How urgent a job is: {@code high} jobs overtake a backlog of {@code normal} ones. */
public enum Priority {
    HIGH("high"),
    NORMAL("normal");

    private final String value;

    Priority(String value) {
        this.value = value;
    }

    /** The lowercase wire name, as stored in MongoDB and shown by the API. */
    @JsonValue
    public String value() {
        return value;
    }

    public static Optional<Priority> find(String value) {
        return Arrays.stream(values()).filter(p -> p.value.equals(value)).findFirst();
    }

    @JsonCreator
    public static Priority of(String value) {
        return find(value).orElseThrow(() -> new IllegalArgumentException("unknown priority: " + value));
    }

    @Override
    public String toString() {
        return value;
    }
}
