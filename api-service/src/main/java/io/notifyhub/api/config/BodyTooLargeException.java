package io.notifyhub.api.config;

import java.io.IOException;
import org.springframework.util.unit.DataSize;

/** The body passed its cap. */
final class BodyTooLargeException extends IOException {
    private final DataSize max;

    BodyTooLargeException(DataSize max) {
        super(detail(max));
        this.max = max;
    }

    DataSize max() {
        return max;
    }

    static String detail(DataSize max) {
        return "The body is larger than " + max.toKilobytes() + " KB; nothing was stored.";
    }
}
