package io.notifyhub.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.notifyhub.api.support.ApiClient;
import io.notifyhub.api.support.ApiIntegrationTest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The OpenAPI document is served without a key, is 3.1, and shows every endpoint with its answers. */
class OpenApiTests extends ApiIntegrationTest {

    @Test
    void shouldDescribeEveryEndpointWithItsStatusCodesAndHeaders() {
        HttpResponse<String> doc = new ApiClient(port, null).get("/api/openapi");
        assertThat(doc.statusCode()).isEqualTo(200);
        String json = doc.body();
        assertThat(JsonPath.<String>read(json, "$.openapi")).startsWith("3.1");

        Map<String, String[]> expected = new java.util.HashMap<>(Map.of(
                "$.paths['/api/jobs'].post.responses",
                        new String[] {"201", "400", "401", "409", "413", "422", "429", "503"},
                "$.paths['/api/jobs'].get.responses", new String[] {"200", "400", "401"},
                "$.paths['/api/jobs/batch'].post.responses",
                        new String[] {"201", "400", "401", "409", "413", "422", "429", "503"},
                "$.paths['/api/jobs/{id}'].get.responses", new String[] {"200", "401", "404"},
                "$.paths['/api/jobs/{id}'].delete.responses", new String[] {"200", "401", "404", "409"},
                "$.paths['/api/dead-letters'].get.responses", new String[] {"200", "400", "401"},
                "$.paths['/api/jobs/{id}/retry'].post.responses", new String[] {"200", "401", "404", "409"},
                "$.paths['/api/dead-letters/replay'].post.responses", new String[] {"200", "400", "401", "403"},
                "$.paths['/api/admin/keys'].post.responses", new String[] {"201", "400", "401", "403"},
                "$.paths['/api/admin/keys/{keyId}'].delete.responses", new String[] {"204", "401", "403", "404"}));
        // the console's chart series and workers view (admin only)
        expected.put("$.paths['/api/stats/series'].get.responses", new String[] {"200", "401", "403"});
        expected.put("$.paths['/api/admin/workers'].get.responses", new String[] {"200", "401", "403"});
        expected.put("$.paths['/api/jobs/{id}/webhook'].get.responses", new String[] {"200", "401", "404"});
        expected.forEach((path, statuses) -> assertThat(JsonPath.<Map<String, Object>>read(json, path))
                .as(path)
                .containsKeys(statuses));
        assertThat(JsonPath.<Map<String, Object>>read(json, "$.paths['/api/jobs'].post.responses['429'].headers"))
                .containsKeys("Retry-After", "RateLimit-Policy", "RateLimit");
        assertThat(JsonPath.<Map<String, Object>>read(json, "$.paths['/api/jobs'].get.responses['200'].headers"))
                .containsKey("Link");
        assertThat(JsonPath.<Object>read(json, "$.paths['/api/jobs'].post.parameters[?(@.name == 'Idempotency-Key')]"))
                .asString()
                .contains("Idempotency-Key");
    }

    @Test
    void shouldServeADocumentThatAnIndependentParserLoadsWithoutMessages() {
        io.notifyhub.api.support.OpenApiContract contract = io.notifyhub.api.support.OpenApiContract.fetch(port);

        assertThat(contract.document()
                        .at("/components/schemas/Problem/properties")
                        .has("errors"))
                .isTrue();
    }

    @Test
    void shouldServeSwaggerUiFromApi() {
        ApiClient anonymous = new ApiClient(port, null);
        HttpResponse<String> root = anonymous.get("/api/");
        assertThat(root.statusCode()).isEqualTo(302);
        assertThat(root.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/api/docs"));
        HttpResponse<String> docs = anonymous.get("/api/docs");
        assertThat(docs.statusCode()).isIn(200, 302);
        String ui = docs.headers().firstValue("Location").orElse("/api/docs");
        HttpResponse<String> page = anonymous.get(ui.replaceFirst("^https?://[^/]+", ""));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("swagger-ui");
    }
}
