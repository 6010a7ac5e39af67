package io.notifyhub.api.backpressure;

import io.notifyhub.model.Channel;
import java.util.Map;
import java.util.stream.Collectors;

/** A submission for a channel whose backlog is over its bound; nothing was stored. */
public class BacklogFullException extends RuntimeException {

    private final Map<Channel, Long> backlogs;
    private final long retryAfterSeconds;

    BacklogFullException(Map<Channel, Long> backlogs, Map<Channel, Long> bounds, long retryAfterSeconds) {
        super(backlogs.entrySet().stream()
                .map(e -> "The " + e.getKey() + " backlog (" + e.getValue() + " messages) is over its bound of "
                        + bounds.get(e.getKey()) + ".")
                .collect(Collectors.joining(" ")));
        this.backlogs = Map.copyOf(backlogs);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** The channels refused, and their backlogs when last read. */
    public Map<Channel, Long> backlogs() {
        return backlogs;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
