package io.notifyhub.api.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import io.notifyhub.api.support.ApiClient;
import io.notifyhub.api.support.ApiIntegrationTest;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.Priority;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import io.notifyhub.model.topology.Topology;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The scheduler as it runs in the API (every second by default), against the real broker and store. */
class SchedulerTests extends ApiIntegrationTest {

    @Autowired
    JobStore store;

    @Test
    void shouldQueueAndPublishAScheduledJobWithinASecondOfItsTimeAndNotBefore() {
        Instant due = Instant.now().plusSeconds(2);
        HttpResponse<String> created = postJson(sms(due, "normal"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JsonPath.read(created.body(), "$._id");
        assertThat(JsonPath.<String>read(created.body(), "$.status")).isEqualTo("scheduled");

        await().atMost(Duration.ofSeconds(6))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> queued(Channel.SMS) == 1);
        Instant seen = Instant.now();

        Job job = store.find(id).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(job.updatedAt()).as("queued at or after its time").isAfterOrEqualTo(due);
        assertThat(job.publishedAt()).isNotNull();
        assertThat(Duration.between(due, seen))
                .as("published within a few seconds of its time")
                .isLessThan(Duration.ofMillis(2500));
        System.out.printf(
                "SchedulerTests: due %s, queued %s, published %s (%d ms late)%n",
                due,
                job.updatedAt(),
                job.publishedAt(),
                Duration.between(due, job.publishedAt()).toMillis());
    }

    @Test
    void shouldPublishAHighScheduledJobToTheHighQueue() {
        postJson(sms(Instant.now().plusMillis(500), "high"));

        await().atMost(Duration.ofSeconds(5)).until(() -> queuedHigh(Channel.SMS) == 1);
        assertThat(queued(Channel.SMS)).isZero();
    }

    @Test
    void shouldNeverPublishACancelledScheduledJob() {
        Instant due = Instant.now().plusSeconds(1);
        String id = JsonPath.read(postJson(sms(due, "normal")).body(), "$._id");

        HttpResponse<String> cancelled = new ApiClient(port).delete("/api/jobs/" + id);

        assertThat(cancelled.statusCode()).isEqualTo(200);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> queued(Channel.SMS) == 0);
        Job job = store.find(id).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(job.publishedAt()).isNull();
    }

    private long queuedHigh(Channel channel) {
        var info = rabbitAdmin.getQueueInfo(Topology.workQueue(channel, Priority.HIGH));
        return info == null ? 0 : info.getMessageCount();
    }

    private static String sms(Instant due, String priority) {
        return """
                {"type":"sms","priority":"%s","scheduledAt":"%s","payload":{"phone":"+14155550123","message":"later"}}""".formatted(priority, due);
    }
}
