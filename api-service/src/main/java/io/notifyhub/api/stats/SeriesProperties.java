package io.notifyhub.api.stats;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The console's charts: how often each API replica samples the system-wide counts, and how many samples it keeps
 * (in memory, per replica: {@code every x samples} of history, lost on restart).
 *
 * @param every   between two samples (at least 1s)
 * @param samples samples kept, the oldest dropped first (1 to 10,000)
 */
@ConfigurationProperties("notifyhub.api.series")
record SeriesProperties(
        @DefaultValue("10s") Duration every,
        @DefaultValue("360") int samples) {

    SeriesProperties {
        if (every.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("notifyhub.api.series.every must be at least 1s");
        }
        if (samples < 1 || samples > 10_000) {
            throw new IllegalArgumentException("notifyhub.api.series.samples must be between 1 and 10000");
        }
    }
}
