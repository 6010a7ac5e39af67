package io.notifyhub.api.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.data.mongodb.core.query.Criteria.where;

import com.jayway.jsonpath.JsonPath;
import io.notifyhub.api.support.ApiClient;
import io.notifyhub.api.support.ApiIntegrationTest;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.store.Job;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

class StatsTests extends ApiIntegrationTest {

    private String create(ApiClient client, String body) {
        HttpResponse<String> created = client.postJson(body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JsonPath.read(created.body(), "$._id");
    }

    private String email(ApiClient client) {
        return create(client, """
                {"type":"email","payload":{"recipient":"a@example.com","subject":"s","body":"b"}}""");
    }

    /** What a worker would have written: the status, and when it changed. */
    private void finish(String id, JobStatus status, Instant at) {
        mongo.updateFirst(
                Query.query(where("_id").is(new ObjectId(id))),
                Update.update("status", status).set("updatedAt", at),
                Job.class);
    }

    @Test
    void shouldCountOnlyTheCallersJobsByStatusChannelAndMinuteAndHideQueuesFromAClient() {
        ApiClient test = new ApiClient(port);
        String sent = email(test);
        email(test);
        String failed = create(test, """
                {"type":"sms","payload":{"phone":"+14155550123","message":"m"}}""");
        String sentLongAgo = email(test);
        create(test.as(ApiClient.OTHER_KEY), """
                {"type":"push","payload":{"token":"device-1","title":"t","body":"b"}}""");
        finish(sent, JobStatus.SENT, Instant.now());
        finish(failed, JobStatus.FAILED, Instant.now().minus(Duration.ofMinutes(2)));
        finish(sentLongAgo, JobStatus.SENT, Instant.now().minus(Duration.ofMinutes(10)));

        HttpResponse<String> response = test.get("/api/stats");

        assertThat(response.statusCode()).isEqualTo(200);
        String stats = response.body();
        assertThat(JsonPath.<Map<String, Integer>>read(stats, "$.byStatus"))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("scheduled", 0, "queued", 1, "processing", 0, "sent", 2, "failed", 1, "cancelled", 0));
        assertThat(JsonPath.<Map<String, Integer>>read(stats, "$.byType"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("email", 3, "sms", 1, "push", 0));
        // the window is the last 5 minutes: the job sent 10 minutes ago is not in it
        assertThat(JsonPath.<List<Integer>>read(stats, "$.throughput[*].sent"))
                .hasSize(5)
                .satisfies(perMinute -> assertThat(
                                perMinute.stream().mapToInt(Integer::intValue).sum())
                        .isEqualTo(1));
        assertThat(JsonPath.<List<Integer>>read(stats, "$.throughput[*].failed").stream()
                        .mapToInt(Integer::intValue)
                        .sum())
                .isEqualTo(1);
        assertThat(JsonPath.<String>read(stats, "$.caller.clientId")).isEqualTo("test");
        assertThat(JsonPath.<Boolean>read(stats, "$.caller.admin")).isFalse();
        assertThat(JsonPath.<Map<String, Object>>read(stats, "$")).doesNotContainKey("queues");
    }

    @Test
    void shouldShowAnAdminEveryClientsJobsAndTheDepthOfEveryQueue() {
        ApiClient test = new ApiClient(port);
        email(test);
        email(test);
        create(test.as(ApiClient.OTHER_KEY), """
                {"type":"push","payload":{"token":"device-1","title":"t","body":"b"}}""");
        ApiClient admin = test.as(ApiClient.ADMIN_KEY);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String stats = admin.get("/api/stats").body();
            assertThat(JsonPath.<Integer>read(stats, "$.byStatus.queued")).isEqualTo(3);
            assertThat(JsonPath.<Integer>read(stats, "$.byType.push")).isEqualTo(1);
            assertThat(JsonPath.<Boolean>read(stats, "$.caller.admin")).isTrue();
            assertThat(JsonPath.<List<Integer>>read(stats, "$.queues[?(@.name == 'notifyhub.work.email')].messages"))
                    .containsExactly(2);
            assertThat(JsonPath.<List<Integer>>read(stats, "$.queues[?(@.name == 'notifyhub.work.push')].messages"))
                    .containsExactly(1);
            assertThat(JsonPath.<List<String>>read(stats, "$.queues[*].name"))
                    .contains("notifyhub.work.sms", "notifyhub.dead-letter")
                    .anyMatch(name -> name.startsWith("notifyhub.delay."));
        });
    }

    @Test
    void shouldRefuseACallWithoutAKey() {
        HttpResponse<String> response = new ApiClient(port, null).get("/api/stats");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }
}
