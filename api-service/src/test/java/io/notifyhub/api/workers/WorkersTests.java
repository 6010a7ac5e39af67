package io.notifyhub.api.workers;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.notifyhub.api.support.ApiClient;
import io.notifyhub.api.support.ApiIntegrationTest;
import io.notifyhub.api.support.OpenApiContract;
import io.notifyhub.model.workers.WorkerHeartbeat;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The workers view: heartbeats as the workers write them, a recent one {@code up}, one that missed three beats
 * {@code silent}, an expired one left out (whether or not the store's TTL monitor removed it); admin keys only.
 */
class WorkersTests extends ApiIntegrationTest {

    @BeforeEach
    void noWorkers() {
        mongo.getCollection(WorkerHeartbeat.COLLECTION).deleteMany(new Document());
    }

    @Test
    void shouldShowLiveWorkersUpOrSilentWithTheirBreakersToAnAdminOnly() {
        Instant now = Instant.now();
        mongo.save(beat("worker-a", now.minusSeconds(1), 7, "OPEN"));
        mongo.save(beat("worker-b", now.minusSeconds(20), 0, "CLOSED"));
        mongo.save(new WorkerHeartbeat(
                "worker-gone",
                List.of("sms"),
                0,
                288,
                List.of(),
                now.minusSeconds(900),
                now.minusSeconds(700),
                5000,
                now.minusSeconds(100)));

        HttpResponse<String> response = new ApiClient(port, ApiClient.ADMIN_KEY).get("/api/admin/workers");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        OpenApiContract.fetch(port).check("GET", "/api/admin/workers", response);
        String body = response.body();
        assertThat(JsonPath.<List<String>>read(body, "$[*].id")).containsExactly("worker-a", "worker-b");
        assertThat(JsonPath.<List<String>>read(body, "$[*].state")).containsExactly("up", "silent");
        assertThat(JsonPath.<Integer>read(body, "$[0].inFlight")).isEqualTo(7);
        assertThat(JsonPath.<Integer>read(body, "$[0].inFlightLimit")).isEqualTo(288);
        assertThat(JsonPath.<List<String>>read(body, "$[0].channels")).containsExactly("email", "sms");
        assertThat(JsonPath.<String>read(body, "$[0].breakers[0].name")).isEqualTo("smtp");
        assertThat(JsonPath.<String>read(body, "$[0].breakers[0].state")).isEqualTo("OPEN");
        assertThat(JsonPath.<Integer>read(body, "$[1].seenSecondsAgo")).isBetween(19, 30);

        HttpResponse<String> client = new ApiClient(port).get("/api/admin/workers");
        assertThat(client.statusCode()).isEqualTo(403);
        OpenApiContract.fetch(port).check("GET", "/api/admin/workers", client);
        assertThat(client.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    }

    private static WorkerHeartbeat beat(String id, Instant seenAt, int inFlight, String smtpState) {
        return new WorkerHeartbeat(
                id,
                List.of("email", "sms"),
                inFlight,
                288,
                List.of(new WorkerHeartbeat.Breaker("smtp", smtpState)),
                seenAt.minus(Duration.ofMinutes(5)),
                seenAt,
                5000,
                seenAt.plus(Duration.ofMinutes(10)));
    }
}
