package io.notifyhub.api.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.notifyhub.api.support.ApiClient;
import io.notifyhub.api.support.ApiIntegrationTest;
import io.notifyhub.model.store.JobStore;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class CancelTests extends ApiIntegrationTest {

    @Autowired
    JobStore store;

    @Test
    void shouldCancelAQueuedJobAndSayTheSameWhenAskedAgain() {
        String id = JsonPath.read(postJson(JobApiTests.WELCOME_EMAIL).body(), "$._id");

        HttpResponse<String> cancelled = new ApiClient(port).delete("/api/jobs/" + id);
        HttpResponse<String> again = new ApiClient(port).delete("/api/jobs/" + id);

        assertThat(cancelled.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<String>read(cancelled.body(), "$.status")).isEqualTo("cancelled");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<String>read(get("/api/jobs/" + id).body(), "$.status"))
                .isEqualTo("cancelled");
    }

    @Test
    void shouldAnswer409WhenAWorkerClaimedTheJobFirst() {
        String id = JsonPath.read(postJson(JobApiTests.WELCOME_EMAIL).body(), "$._id");
        store.claim(new ObjectId(id), "worker-1", Instant.now(), Duration.ofMinutes(2))
                .orElseThrow();

        HttpResponse<String> response = new ApiClient(port).delete("/api/jobs/" + id);

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JsonPath.<String>read(response.body(), "$.jobStatus")).isEqualTo("processing");
        assertThat(JsonPath.<String>read(get("/api/jobs/" + id).body(), "$.status"))
                .isEqualTo("processing");
    }

    @Test
    void shouldAnswer404ForAnUnknownJob() {
        assertThat(new ApiClient(port).delete("/api/jobs/" + new ObjectId()).statusCode())
                .isEqualTo(404);
    }
}
