package io.notifyhub.api.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.data.mongodb.core.query.Criteria.where;

import com.jayway.jsonpath.JsonPath;
import io.notifyhub.api.support.ApiIntegrationTest;
import io.notifyhub.api.support.OpenApiContract;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.store.Job;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.test.context.TestPropertySource;

/**
 * A job's status webhook as {@code GET /api/jobs/{id}/webhook} shows it (the console's job page): waiting while
 * the job is not final, due with the time of the next POST, delivered, or given up with the last error. The states
 * are set here as the webhook dispatcher writes them. The job itself does not carry the state: it is also the
 * webhook's body.
 */
@TestPropertySource(properties = "notifyhub.webhooks.allow-private-targets=true")
class WebhookStateTests extends ApiIntegrationTest {

    @Test
    void shouldShowTheWebhookWaitingDueDeliveredOrGivenUp() {
        HttpResponse<String> created = postJson("""
                {"type":"email","payload":{"recipient":"a@example.com","subject":"s","body":"b"},
                 "callbackUrl":"http://127.0.0.1:9/hook"}""");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JsonPath.read(created.body(), "$._id");
        assertThat(webhook(id, "$.state")).isEqualTo("waiting");
        assertThat(webhook(id, "$.url")).isEqualTo("http://127.0.0.1:9/hook");
        assertThat(JsonPath.<Object>read(get("/api/jobs/" + id).body(), "$.callbackUrl"))
                .isEqualTo("http://127.0.0.1:9/hook");
        assertThat(get("/api/jobs/" + id).body()).doesNotContain("\"webhook\"");

        Instant due = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        set(
                id,
                Update.update("status", JobStatus.SENT)
                        .set("callback.dueAt", due)
                        .set("callback.attempts", 1)
                        .set("callback.lastError", "HTTP 503"));
        assertThat(webhook(id, "$.state")).isEqualTo("due");
        assertThat(Instant.parse(webhook(id, "$.dueAt"))).isEqualTo(due);
        assertThat(webhook(id, "$.lastError")).isEqualTo("HTTP 503");

        set(id, Update.update("callback.dueAt", null).set("callback.attempts", 5));
        assertThat(webhook(id, "$.state")).isEqualTo("given-up");

        set(id, Update.update("callback.deliveredAt", Instant.now()).unset("callback.lastError"));
        assertThat(webhook(id, "$.state")).isEqualTo("delivered");
        assertThat(webhook(id, "$.deliveredAt")).isNotBlank();
    }

    @Test
    void shouldAnswer404ForAJobWithoutWebhookOrAnotherClientsJob() {
        HttpResponse<String> created = postJson("""
                {"type":"sms","payload":{"phone":"+14155550123","message":"m"}}""");
        String id = JsonPath.read(created.body(), "$._id");
        OpenApiContract contract = OpenApiContract.fetch(port);
        HttpResponse<String> none = get("/api/jobs/" + id + "/webhook");
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(JsonPath.<String>read(none.body(), "$.detail")).contains("no status webhook");
        contract.check("GET", "/api/jobs/{id}/webhook", none);
        HttpResponse<String> other = new io.notifyhub.api.support.ApiClient(
                        port, io.notifyhub.api.support.ApiClient.OTHER_KEY)
                .get("/api/jobs/" + id + "/webhook");
        assertThat(other.statusCode()).isEqualTo(404);
        contract.check("GET", "/api/jobs/{id}/webhook", other);
    }

    private String webhook(String id, String path) {
        HttpResponse<String> response = get("/api/jobs/" + id + "/webhook");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        OpenApiContract.fetch(port).check("GET", "/api/jobs/{id}/webhook", response);
        Object value = JsonPath.read(response.body(), path);
        return value == null ? null : value.toString();
    }

    private void set(String id, Update update) {
        mongo.updateFirst(Query.query(where("_id").is(new ObjectId(id))), update, Job.class);
    }
}
