package io.notifyhub.api.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.data.mongodb.core.query.Criteria.where;

import com.jayway.jsonpath.JsonPath;
import io.notifyhub.api.support.ApiClient;
import io.notifyhub.api.support.ApiIntegrationTest;
import io.notifyhub.api.support.OpenApiContract;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.store.Job;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.test.context.TestPropertySource;

/**
 * The console's chart series: every sample counts the jobs that became sent or failed since the previous one and
 * the backlog at the time, the ring keeps the newest {@code samples}, and only an admin key may read it (the counts
 * are every client's traffic).
 */
@TestPropertySource(properties = {"notifyhub.api.series.every=1s", "notifyhub.api.series.samples=4"})
class SeriesTests extends ApiIntegrationTest {

    @Test
    void shouldSampleSentFailedAndBacklogIntoABoundedRingForAdminsOnly() {
        ApiClient admin = new ApiClient(port, ApiClient.ADMIN_KEY);
        // a sample with nothing finished and nothing waiting
        await().atMost(Duration.ofSeconds(10)).until(() -> lastSample(admin).backlog() == 0);

        String sent = email(admin);
        String failed = email(admin);
        email(admin); // stays queued: the backlog
        finish(sent, JobStatus.SENT);
        finish(failed, JobStatus.FAILED);

        // each finished job is counted in exactly one sample, the one whose interval saw it change
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            List<Sample> samples = samples(admin);
            return samples.stream().mapToLong(Sample::sent).sum() == 1
                    && samples.stream().mapToLong(Sample::failed).sum() == 1
                    && samples.getLast().backlog() == 1;
        });
        // the ring holds 4 samples: once they have all been taken since, the two finished jobs have left it
        await().atMost(Duration.ofSeconds(15))
                .until(() -> samples(admin).stream().allMatch(sample -> sample.sent() == 0 && sample.failed() == 0));
        HttpResponse<String> full = admin.get("/api/stats/series");
        assertThat(JsonPath.<Integer>read(full.body(), "$.samples.length()")).isEqualTo(4);
        assertThat(JsonPath.<Integer>read(full.body(), "$.capacity")).isEqualTo(4);
        assertThat(JsonPath.<Integer>read(full.body(), "$.everySeconds")).isEqualTo(1);
        List<String> at = JsonPath.read(full.body(), "$.samples[*].at");
        assertThat(at).isSorted();

        OpenApiContract contract = OpenApiContract.fetch(port);
        contract.check("GET", "/api/stats/series", full);
        HttpResponse<String> client = new ApiClient(port).get("/api/stats/series");
        contract.check("GET", "/api/stats/series", client);
        assertThat(client.statusCode()).isEqualTo(403);
        assertThat(client.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    }

    private record Sample(long sent, long failed, long backlog) {}

    private List<Sample> samples(ApiClient admin) {
        HttpResponse<String> response = admin.get("/api/stats/series");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<java.util.Map<String, Number>> samples = JsonPath.read(response.body(), "$.samples");
        return samples.stream()
                .map(sample -> new Sample(
                        sample.get("sent").longValue(),
                        sample.get("failed").longValue(),
                        sample.get("backlog").longValue()))
                .toList();
    }

    private Sample lastSample(ApiClient admin) {
        List<Sample> samples = samples(admin);
        return samples.isEmpty() ? new Sample(-1, -1, -1) : samples.getLast();
    }

    private String email(ApiClient client) {
        HttpResponse<String> created = client.postJson("""
                {"type":"email","payload":{"recipient":"a@example.com","subject":"s","body":"b"}}""");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JsonPath.read(created.body(), "$._id");
    }

    private void finish(String id, JobStatus status) {
        mongo.updateFirst(
                Query.query(where("_id").is(new ObjectId(id))),
                // a moment ahead, as a worker's write lands a moment after it read the clock: the sample whose
                // interval holds this instant runs after the write has landed
                Update.update("status", status).set("updatedAt", Instant.now().plusMillis(300)),
                Job.class);
    }
}
