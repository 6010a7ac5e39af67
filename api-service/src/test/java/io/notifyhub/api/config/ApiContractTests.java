package io.notifyhub.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.notifyhub.api.support.ApiClient;
import io.notifyhub.api.support.ApiIntegrationTest;
import io.notifyhub.api.support.OpenApiContract;
import io.notifyhub.model.store.Attempt;
import io.notifyhub.model.store.AttemptOutcome;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import io.notifyhub.model.workers.WorkerHeartbeat;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

/**
 * Every operation of the served OpenAPI document is called over HTTP, for a success and for errors, and each live
 * answer is checked against the document by independent tools ({@link OpenApiContract}): its status must be
 * documented, its body must match the documented schema. The test fails if an operation of the document was not
 * called with both a success and an error.
 */
class ApiContractTests extends ApiIntegrationTest {

    private static final String SMS = """
            {"type":"sms","payload":{"phone":"+14155550123","message":"m"}}""";

    @Autowired
    JobStore store;

    private OpenApiContract contract;
    private final List<String> problems = new ArrayList<>();
    private final Set<String> succeeded = new LinkedHashSet<>();
    private final Set<String> refused = new LinkedHashSet<>();

    private HttpResponse<String> check(String method, String path, HttpResponse<String> response) {
        problems.addAll(contract.problems(method, path, response));
        String operation = method + " " + path;
        (response.statusCode() < 400 ? succeeded : refused).add(operation);
        return response;
    }

    @Test
    void shouldAnswerEveryOperationAsTheDocumentSays() {
        contract = OpenApiContract.fetch(port);
        ApiClient client = new ApiClient(port);
        ApiClient admin = new ApiClient(port, ApiClient.ADMIN_KEY);
        ApiClient nobody = new ApiClient(port, null);

        // jobs
        String id =
                JsonPath.read(check("POST", "/api/jobs", client.postJson(SMS)).body(), "$._id");
        check("POST", "/api/jobs", client.postJson("{\"type\":\"fax\"}"));
        check("POST", "/api/jobs", nobody.postJson(SMS));
        check(
                "POST",
                "/api/jobs",
                client.post("/api/jobs", "application/json", SMS.replace("\"m\"", "\"" + "m".repeat(70_000) + "\"")));
        check("POST", "/api/jobs", client.post("/api/jobs", "application/json", SMS, Map.of("Idempotency-Key", "c-1")));
        check("POST", "/api/jobs", client.post("/api/jobs", "application/json", SMS, Map.of("Idempotency-Key", "c-1")));
        check(
                "POST",
                "/api/jobs",
                client.post(
                        "/api/jobs",
                        "application/json",
                        SMS.replace("\"m\"", "\"other\""),
                        Map.of("Idempotency-Key", "c-1")));
        check("GET", "/api/jobs", client.get("/api/jobs?limit=1"));
        check("GET", "/api/jobs", client.get("/api/jobs?limit=0&status%5B%24ne%5D=x"));
        check("GET", "/api/jobs/{id}", client.get("/api/jobs/" + id));
        check("GET", "/api/jobs/{id}", client.get("/api/jobs/" + new ObjectId()));
        check("GET", "/api/jobs/{id}", new ApiClient(port, ApiClient.OTHER_KEY).get("/api/jobs/" + id));
        check("DELETE", "/api/jobs/{id}", client.delete("/api/jobs/" + id));
        check("DELETE", "/api/jobs/{id}", client.delete("/api/jobs/nope"));
        String claimed = JsonPath.read(client.postJson(SMS).body(), "$._id");
        store.claim(new ObjectId(claimed), "worker-1", Instant.now(), Duration.ofMinutes(2))
                .orElseThrow();
        check("DELETE", "/api/jobs/{id}", client.delete("/api/jobs/" + claimed));
        check(
                "POST",
                "/api/jobs/batch",
                client.post("/api/jobs/batch", "application/json", "{\"jobs\":[" + SMS + "]}"));
        check("POST", "/api/jobs/batch", client.post("/api/jobs/batch", "application/json", "{\"jobs\":[]}"));

        // dead letters
        String failed = JsonPath.read(client.postJson(SMS).body(), "$._id");
        Job held = store.claim(new ObjectId(failed), "worker-1", Instant.now(), Duration.ofMinutes(2))
                .orElseThrow();
        Instant now = Instant.now();
        store.recordFailed(
                held, new Attempt(1, now, now, "worker-1", "simulated", AttemptOutcome.FAILED, "refused"), now);
        HttpResponse<String> deadLetters = check("GET", "/api/dead-letters", client.get("/api/dead-letters"));
        assertThat(JsonPath.<List<String>>read(deadLetters.body(), "$[*].history[*].outcome"))
                .as("an attempt's outcome is shown as its lower-case value")
                .contains("failed");
        check("GET", "/api/dead-letters", client.get("/api/dead-letters?status=failed"));
        check("POST", "/api/jobs/{id}/retry", client.post("/api/jobs/" + failed + "/retry", null, ""));
        check("POST", "/api/jobs/{id}/retry", client.post("/api/jobs/" + failed + "/retry", null, ""));
        check("POST", "/api/jobs/{id}/retry", client.post("/api/jobs/" + new ObjectId() + "/retry", null, ""));
        check("POST", "/api/dead-letters/replay", admin.post("/api/dead-letters/replay?type=sms", null, ""));
        check("POST", "/api/dead-letters/replay", admin.post("/api/dead-letters/replay?limit=0", null, ""));
        check("POST", "/api/dead-letters/replay", client.post("/api/dead-letters/replay", null, ""));

        // keys and clients
        HttpResponse<String> key = check(
                "POST",
                "/api/admin/keys",
                admin.post("/api/admin/keys", "application/json", "{\"clientId\":\"contract\"}"));
        check("POST", "/api/admin/keys", admin.post("/api/admin/keys", "application/json", "{\"clientId\":\"\"}"));
        check("POST", "/api/admin/keys", client.post("/api/admin/keys", "application/json", "{\"clientId\":\"x\"}"));
        String keyId = JsonPath.read(key.body(), "$.keyId");
        assertThat(JsonPath.<String>read(key.body(), "$.webhookSecret"))
                .as("the new client's signing secret")
                .startsWith("whsec_");
        HttpResponse<String> second = check(
                "POST",
                "/api/admin/keys",
                admin.post("/api/admin/keys", "application/json", "{\"clientId\":\"contract\"}"));
        assertThat(second.body()).as("a client's secret is shown once").doesNotContain("webhookSecret");
        check("GET", "/api/admin/keys", admin.get("/api/admin/keys?clientId=contract"));
        check("DELETE", "/api/admin/keys/{keyId}", admin.delete("/api/admin/keys/" + keyId));
        check("GET", "/api/admin/keys", admin.get("/api/admin/keys?clientId=contract")); // revokedAt set now
        check("GET", "/api/admin/keys", client.get("/api/admin/keys"));
        check("DELETE", "/api/admin/keys/{keyId}", admin.delete("/api/admin/keys/" + keyId));
        check("DELETE", "/api/admin/keys/{keyId}", client.delete("/api/admin/keys/" + keyId));
        check("GET", "/api/admin/clients/{clientId}", admin.get("/api/admin/clients/nobody-yet"));
        check("GET", "/api/admin/clients/{clientId}", client.get("/api/admin/clients/test"));
        check(
                "PUT",
                "/api/admin/clients/{clientId}",
                admin.put(
                        "/api/admin/clients/contract",
                        "application/json",
                        "{\"senders\":[\"example.com\"],\"callbackUrl\":null}"));
        check(
                "PUT",
                "/api/admin/clients/{clientId}",
                admin.put("/api/admin/clients/contract", "application/json", "{\"senders\":\"example.com\"}"));
        check("GET", "/api/admin/clients/{clientId}", admin.get("/api/admin/clients/contract"));
        check(
                "POST",
                "/api/admin/clients/{clientId}/webhook-secret",
                admin.post("/api/admin/clients/contract/webhook-secret", null, ""));
        check(
                "POST",
                "/api/admin/clients/{clientId}/webhook-secret",
                admin.post("/api/admin/clients/contract/webhook-secret", null, ""));
        check(
                "POST",
                "/api/admin/clients/{clientId}/webhook-secret",
                admin.post("/api/admin/clients/not%20valid/webhook-secret", null, ""));

        // stats
        check("GET", "/api/stats", client.get("/api/stats"));
        check("GET", "/api/stats", admin.get("/api/stats"));
        check("GET", "/api/stats", nobody.get("/api/stats"));
        check("GET", "/api/stats/series", admin.get("/api/stats/series"));
        check("GET", "/api/stats/series", client.get("/api/stats/series"));
        check("GET", "/api/stats/series", nobody.get("/api/stats/series"));

        // workers (their heartbeats), and a job's status webhook
        mongo.save(new WorkerHeartbeat(
                "contract-worker",
                List.of("sms"),
                1,
                288,
                List.of(new WorkerHeartbeat.Breaker("simulated", "CLOSED")),
                Instant.now(),
                Instant.now(),
                5000,
                Instant.now().plus(Duration.ofMinutes(10))));
        check("GET", "/api/admin/workers", admin.get("/api/admin/workers"));
        check("GET", "/api/admin/workers", client.get("/api/admin/workers"));
        mongo.remove(Query.query(Criteria.where("_id").is("contract-worker")), WorkerHeartbeat.class);
        String hooked = JsonPath.read(
                client.postJson(SMS.replace("}}", "},\"callbackUrl\":\"https://93.184.215.14/hook\"}"))
                        .body(),
                "$._id");
        check("GET", "/api/jobs/{id}/webhook", client.get("/api/jobs/" + hooked + "/webhook"));
        check("GET", "/api/jobs/{id}/webhook", client.get("/api/jobs/" + claimed + "/webhook"));

        assertThat(problems).as("answers that do not match the document").isEmpty();
        // the checks can fail: answers the document does not allow are found
        assertThat(contract.problems(
                        "GET", "/api/jobs/{id}", 200, "application/json", "{\"_id\":\"x\",\"attempts\":\"one\"}"))
                .isNotEmpty();
        assertThat(contract.problems("GET", "/api/admin/keys", 200, "application/json", "[{\"keyId\":7}]"))
                .isNotEmpty();
        assertThat(contract.problems("POST", "/api/jobs", 400, "application/problem+json", "{\"errors\":\"none\"}"))
                .isNotEmpty();
        assertThat(contract.problems("GET", "/api/jobs/{id}", 418, "application/json", "{}"))
                .isNotEmpty();
        Set<String> documented = new LinkedHashSet<>();
        contract.document().path("paths").fields().forEachRemaining(path -> {
            Iterator<String> methods = path.getValue().fieldNames();
            methods.forEachRemaining(method -> documented.add(method.toUpperCase() + " " + path.getKey()));
        });
        documented.removeIf(operation -> operation.endsWith(" /api") || operation.endsWith(" /api/"));
        assertThat(succeeded).as("operations called with a success").containsAll(documented);
        assertThat(refused).as("operations called with an error").containsAll(documented);
    }
}
