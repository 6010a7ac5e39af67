package io.notifyhub.api.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.notifyhub.api.support.ApiClient;
import io.notifyhub.api.support.ApiIntegrationTest;
import io.notifyhub.model.Channel;
import io.notifyhub.model.store.Attempt;
import io.notifyhub.model.store.AttemptOutcome;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Finished jobs are removed once their retention has passed, by the store's TTL index (the embedded store runs
 * MongoDB's TTL monitor every second here, see the pom); jobs under way stay. A client's own retention applies
 * to the jobs it submits.
 */
@TestPropertySource(properties = {"notifyhub.retention.jobs=2s", "notifyhub.metrics.refresh=200ms"})
class RetentionTests extends ApiIntegrationTest {

    private static final String SMS = "{\"type\":\"sms\",\"payload\":{\"phone\":\"+14155550123\",\"message\":\"hi\"}}";
    private static final Pattern ID = Pattern.compile("\"_id\":\"([0-9a-f]{24})\"");

    @Autowired
    JobStore store;

    @Autowired
    MeterRegistry meters;

    @Test
    void shouldRemoveFinishedJobsAfterTheRetentionAndKeepThoseUnderWay() {
        ApiClient api = new ApiClient(port);
        String cancelled = id(api.postJson(SMS));
        assertThat(api.delete("/api/jobs/" + cancelled).statusCode()).isEqualTo(200);
        String queued = id(api.postJson(SMS));
        String scheduled =
                id(api.postJson("{\"type\":\"sms\",\"payload\":{\"phone\":\"+14155550123\",\"message\":\"hi\"},"
                        + "\"scheduledAt\":\"" + Instant.now().plusSeconds(3600) + "\"}"));
        // what a worker writes when it has sent one
        Job sent =
                store.insert(Job.queued(Channel.SMS, Map.of("phone", "+14155550123", "message", "hi"), Instant.now()));
        Job claimed = store.claim(sent.id(), "w", Instant.now(), Duration.ofMinutes(1))
                .orElseThrow();
        store.recordSent(
                claimed,
                new Attempt(1, Instant.now(), Instant.now(), "w", "simulated", AttemptOutcome.SENT, null),
                "m-1",
                Instant.now());
        await().atMost(Duration.ofSeconds(15)).until(() -> !Double.isNaN(deleted())); // the store reports it
        double deletedBefore = deleted();

        // the real MongoDB's monitor runs every 60 s; the embedded store's every second in these tests
        await().atMost(Duration.ofSeconds(90))
                .until(() -> api.get("/api/jobs/" + cancelled).statusCode() == 404
                        && store.find(sent.idHex()).isEmpty());

        assertThat(api.get("/api/jobs/" + queued).statusCode())
                .as("queued: under way")
                .isEqualTo(200);
        assertThat(api.get("/api/jobs/" + scheduled).statusCode())
                .as("scheduled: under way")
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> deleted() >= deletedBefore + 2);
    }

    @Test
    void shouldKeepTheJobsOfAClientWithARetentionOfItsOwnForThatLong() {
        ApiClient admin = new ApiClient(port, ApiClient.ADMIN_KEY);
        HttpResponse<String> bad = admin.put("/api/admin/clients/test", "application/json", "{\"retention\":\"PT1S\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("\"field\":\"retention\"", "PT1H to P3650D");
        HttpResponse<String> set = admin.put("/api/admin/clients/test", "application/json", "{\"retention\":\"P7D\"}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(set.body()).contains("\"retention\":\"PT168H\"");

        try {
            ApiClient api = new ApiClient(port);
            String id = id(api.postJson(SMS));
            Instant cancelledAt = Instant.now();
            assertThat(api.delete("/api/jobs/" + id).statusCode()).isEqualTo(200);

            Instant expiresAt = store.find(id).orElseThrow().expiresAt();
            assertThat(api.get("/api/jobs/" + id).body()).contains("\"expiresAt\":\"" + expiresAt + "\"");
            assertThat(expiresAt)
                    .isBetween(
                            cancelledAt.plus(Duration.ofDays(7)).minusSeconds(5),
                            cancelledAt.plus(Duration.ofDays(7)).plusSeconds(5));
        } finally {
            admin.put("/api/admin/clients/test", "application/json", "{\"retention\":null}");
        }
    }

    private double deleted() {
        return meters.get("notifyhub.store.ttl.deleted").functionCounter().count();
    }

    private static String id(HttpResponse<String> created) {
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        Matcher matcher = ID.matcher(created.body());
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }
}
