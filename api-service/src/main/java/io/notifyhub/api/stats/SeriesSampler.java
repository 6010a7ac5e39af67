package io.notifyhub.api.stats;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import io.notifyhub.model.JobStatus;
import io.notifyhub.model.store.Job;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Samples the system-wide counts the console charts every {@code notifyhub.api.series.every} into a ring of
 * {@code notifyhub.api.series.samples} entries, in this replica's memory. Three counts a sample, on the indexes
 * {@link StatsService} creates ({@code status, updatedAt}): jobs that became {@code sent} or {@code failed} since
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

    private final MongoOperations mongo;
    private final Clock clock;
    private final SeriesProperties properties;
    private final ArrayDeque<Series.Sample> ring;
    private Instant last;

    SeriesSampler(MongoOperations mongo, Clock clock, SeriesProperties properties) {
        this.mongo = mongo;
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
                    mongo.count(Query.query(where("status").in(JobStatus.QUEUED, JobStatus.PROCESSING)), Job.class));
            add(sample);
            last = now;
        } catch (RuntimeException e) {
            log.debug("Series sample skipped: {}", e.getMessage());
        }
    }

    private long finished(JobStatus status, Instant from, Instant to) {
        return mongo.count(
                Query.query(
                        where("status").is(status).and("updatedAt").gte(from).lt(to)),
                Job.class);
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
