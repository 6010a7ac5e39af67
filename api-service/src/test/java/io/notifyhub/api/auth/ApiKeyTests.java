package io.notifyhub.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.notifyhub.api.job.JobApiTests;
import io.notifyhub.api.support.ApiClient;
import io.notifyhub.api.support.ApiIntegrationTest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** API keys: who may call, who sees which job, and key management. */
class ApiKeyTests extends ApiIntegrationTest {

    @Test
    void shouldRefuseARequestWithoutAValidKeyAndStoreNothing() {
        for (String key : new String[] {null, "", "not-a-key", "nhk_testclient_" + "z".repeat(24)}) {
            ApiClient client = new ApiClient(port, key);
            HttpResponse<String> post = client.postJson(JobApiTests.WELCOME_EMAIL);
            assertThat(post.statusCode()).as("key %s", key).isEqualTo(401);
            assertThat(post.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(post.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(client.get("/api/jobs").statusCode()).isEqualTo(401);
        }
        assertThat(storedJobs()).isZero();
        assertThat(queuedInAllChannels()).isZero();
    }

    @Test
    void shouldShowAJobOnlyToItsClientAndToAdmins() {
        ApiClient test = new ApiClient(port);
        ApiClient other = test.as(ApiClient.OTHER_KEY);
        ApiClient admin = test.as(ApiClient.ADMIN_KEY);
        String id = JsonPath.read(test.postJson(JobApiTests.WELCOME_EMAIL).body(), "$._id");
        String othersId =
                JsonPath.read(other.postJson(JobApiTests.WELCOME_EMAIL).body(), "$._id");

        assertThat(other.get("/api/jobs/" + id).statusCode()).isEqualTo(404);
        assertThat(other.delete("/api/jobs/" + id).statusCode()).isEqualTo(404);
        assertThat(JsonPath.<List<String>>read(other.get("/api/jobs").body(), "$[*]._id"))
                .containsExactly(othersId);
        assertThat(JsonPath.<List<String>>read(test.get("/api/jobs").body(), "$[*]._id"))
                .containsExactly(id);
        assertThat(test.get("/api/jobs/" + id).statusCode()).isEqualTo(200);
        assertThat(admin.get("/api/jobs/" + id).statusCode()).isEqualTo(200);
        assertThat(JsonPath.<List<String>>read(admin.get("/api/jobs").body(), "$[*]._id"))
                .containsExactlyInAnyOrder(id, othersId);
        assertThat(mongo.getCollection("jobs")
                        .find(new Document("_id", new org.bson.types.ObjectId(id)))
                        .first()
                        .getString("clientId"))
                .isEqualTo("test");
    }

    @Test
    void shouldKeepOneClientsIdempotencyKeysApartFromAnothers() {
        String key = UUID.randomUUID().toString();
        ApiClient test = new ApiClient(port);
        HttpResponse<String> first =
                test.post("/api/jobs", "application/json", JobApiTests.WELCOME_EMAIL, Map.of("Idempotency-Key", key));
        HttpResponse<String> second = test.as(ApiClient.OTHER_KEY)
                .post("/api/jobs", "application/json", JobApiTests.WELCOME_EMAIL, Map.of("Idempotency-Key", key));

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(second.statusCode()).isEqualTo(201);
        assertThat(second.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(JsonPath.<String>read(second.body(), "$._id")).isNotEqualTo(JsonPath.read(first.body(), "$._id"));
        assertThat(storedJobs()).isEqualTo(2);
    }

    @Test
    void shouldLetAnAdminCreateAndRevokeKeysAndNobodyElse() {
        ApiClient admin = new ApiClient(port, ApiClient.ADMIN_KEY);
        assertThat(new ApiClient(port)
                        .post("/api/admin/keys", "application/json", "{\"clientId\":\"acme\"}")
                        .statusCode())
                .isEqualTo(403);

        HttpResponse<String> created = admin.post("/api/admin/keys", "application/json", "{\"clientId\":\"acme\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String key = JsonPath.read(created.body(), "$.key");
        String keyId = JsonPath.read(created.body(), "$.keyId");
        assertThat(key).startsWith("nhk_" + keyId + "_");
        assertThat(mongo.getCollection(ApiKey.COLLECTION)
                        .find(new Document("keyId", keyId))
                        .first()
                        .toJson())
                .as("only a hash is stored")
                .doesNotContain(key.substring(("nhk_" + keyId + "_").length()));

        ApiClient acme = new ApiClient(port, key);
        assertThat(acme.postJson(JobApiTests.WELCOME_EMAIL).statusCode()).isEqualTo(201);
        assertThat(JsonPath.<List<String>>read(
                        admin.get("/api/admin/keys?clientId=acme").body(), "$[*].keyId"))
                .containsExactly(keyId);

        assertThat(admin.delete("/api/admin/keys/" + keyId).statusCode()).isEqualTo(204);
        assertThat(acme.postJson(JobApiTests.WELCOME_EMAIL).statusCode()).isEqualTo(401);
        assertThat(admin.delete("/api/admin/keys/" + keyId).statusCode()).isEqualTo(404);
        assertThat(storedJobs()).isEqualTo(1);
    }

    @Test
    void shouldRefuseABadKeyRequestNamingTheField() {
        HttpResponse<String> bad = new ApiClient(port, ApiClient.ADMIN_KEY)
                .post("/api/admin/keys", "application/json", "{\"clientId\":\"a b\",\"admin\":\"yes\",\"x\":1}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JsonPath.<List<String>>read(bad.body(), "$.errors[*].field"))
                .containsExactlyInAnyOrder("clientId", "admin", "x");
    }
}
