package io.notifyhub.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** A delivery channel; also the job {@code type} and the routing key of its work queue. */
public enum Channel {
    EMAIL("email"),
    SMS("sms"),
    PUSH("push");

    private final String value;

    Channel(String value) {
        this.value = value;
    }

    /** The lowercase wire name, as stored in MongoDB and shown by the API. */
    @JsonValue
    public String value() {
        return value;
    }

    public static Optional<Channel> find(String value) {
        return Arrays.stream(values()).filter(c -> c.value.equals(value)).findFirst();
    }

    @JsonCreator
    public static Channel of(String value) {
        return find(value).orElseThrow(() -> new IllegalArgumentException("unknown channel: " + value));
    }

    @Override
    public String toString() {
        return value;
    }
}
