package io.notifyhub.api.stats;

import io.notifyhub.model.JobStatus;
import io.notifyhub.model.store.JobStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Samples the system-wide counts the console charts every {@code notifyhub.api.series.every} into a ring of
 * {@code notifyhub.api.series.samples} entries, in this replica's memory. Three counts a sample, through the store's
 * counts on its stats indexes ({@code status, updatedAt}): jobs that became {@code sent} or {@code failed} since
 * the last sample, and the backlog ({@code queued} and {@code processing}) now.
 *
 * <p>Why in memory: the console wants the last hour at a glance, which any replica can tell by itself; the
 * history Prometheus keeps is for Grafana. The limits are those of the design: each replica has its own ring (two
 * replicas answer slightly different samples, taken at different moments), a restart empties it, and a store
 * outage leaves a gap (a failed sample is skipped, not recorded as zero).
 */
@Component
class SeriesSampler {

    private static final Logger log = LoggerFactory.getLogger(SeriesSampler.class);

    private final JobStore store;
    private final Clock clock;
    private final SeriesProperties properties;
    private final ArrayDeque<Series.Sample> ring;
    private Instant last;

    SeriesSampler(JobStore store, Clock clock, SeriesProperties properties) {
        this.store = store;
        this.clock = clock;
        this.properties = properties;
        this.ring = new ArrayDeque<>(properties.samples());
    }

    @Scheduled(
            fixedDelayString = "${notifyhub.api.series.every:10s}",
            initialDelayString = "${notifyhub.api.series.every:10s}")
    void sample() {
        Instant now = clock.instant();
        Instant from = last == null ? now.minus(properties.every()) : last;
        try {
            Series.Sample sample = new Series.Sample(
                    now,
                    finished(JobStatus.SENT, from, now),
                    finished(JobStatus.FAILED, from, now),
                    store.count(JobStatus.QUEUED) + store.count(JobStatus.PROCESSING));
            add(sample);
            last = now;
        } catch (RuntimeException e) {
            log.debug("Series sample skipped: {}", e.getMessage());
        }
    }

    private long finished(JobStatus status, Instant from, Instant to) {
        return store.queries().count(null, status, null, from, to);
    }

    synchronized void add(Series.Sample sample) {
        if (ring.size() == properties.samples()) {
            ring.removeFirst();
        }
        ring.addLast(sample);
    }

    synchronized Series series() {
        return new Series(properties.every().toSeconds(), properties.samples(), List.copyOf(ring));
    }
}
