package io.notifyhub.api.ops;

import static org.awaitility.Awaitility.await;
import static org.springframework.data.mongodb.core.query.Criteria.where;

import io.micrometer.core.instrument.MeterRegistry;
import io.notifyhub.api.support.ApiIntegrationTest;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.test.context.TestPropertySource;

/** The job gauges: the backlog's statuses at every refresh, the finished ones (which only grow) less often. */
@TestPropertySource(properties = {"notifyhub.metrics.refresh=200ms", "notifyhub.metrics.terminal-refresh=1h"})
class SystemGaugesTests extends ApiIntegrationTest {

    @Autowired
    JobStore store;

    @Autowired
    MeterRegistry meters;

    @Test
    void shouldCountTheBacklogAtEveryRefreshAndTheFinishedJobsAtTheirOwnPace() {
        insert(JobStatus.QUEUED);
        await().atMost(Duration.ofSeconds(10)).until(() -> gauge(JobStatus.QUEUED) == 1);
        // refreshed since the start (whose first refresh counted every status): the finished count stands
        double sent = gauge(JobStatus.SENT);

        insert(JobStatus.SENT);
        insert(JobStatus.QUEUED);
        await().atMost(Duration.ofSeconds(5)).until(() -> gauge(JobStatus.QUEUED) == 2);
        // refreshed several times since, the finished count waits for its hour
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> gauge(JobStatus.SENT) == sent);
    }

    private double gauge(JobStatus status) {
        return meters.get("notifyhub.jobs")
                .tag("status", status.value())
                .gauge()
                .value();
    }

    /** A job in {@code status}, created in the future so that the reconciler leaves it alone. */
    private void insert(JobStatus status) {
        Job job = store.insert(Job.queued(
                Channel.SMS,
                Map.of("phone", "+14155550123", "message", "hi"),
                Instant.now().plusSeconds(600)));
        mongo.updateFirst(Query.query(where("_id").is(job.id())), Update.update("status", status), Job.class);
    }
}
