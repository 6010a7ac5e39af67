package io.notifyhub.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.jayway.jsonpath.JsonPath;
import io.notifyhub.e2e.support.LocalSystem;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dead letters and status webhooks with the real services as processes: a worker whose provider always fails
 * (one attempt allowed) fails jobs into the dead letters, each failure is POSTed to a webhook; then a healthy
 * worker takes over, and a retry and a filtered replay send the jobs they name, and only those.
 */
class DeadLetterPipelineTests {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LocalSystem system;
    private static WireMockServer hooks;

    @BeforeAll
    static void start() {
        hooks = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        hooks.start();
        hooks.stubFor(WireMock.post(WireMock.urlPathMatching("/hooks/.*"))
                .willReturn(aResponse().withStatus(204)));
        system = new LocalSystem(Map.of(
                        "NOTIFYHUB_PROVIDERS_SIMULATED_FAILURE_RATE", "1.0",
                        "NOTIFYHUB_WORKER_MAX_ATTEMPTS", "1",
                        "NOTIFYHUB_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "true",
                        "NOTIFYHUB_WEBHOOKS_POLL_INTERVAL", "200ms",
                        "NOTIFYHUB_WEBHOOK_SECRET", "e2e-secret"))
                .start(1);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
        if (hooks != null) {
            hooks.stop();
        }
    }

    @Test
    void shouldFailIntoDeadLettersThenSendAgainOnRetryAndReplayOnlyTheFilteredOnes() throws Exception {
        String email = create("""
                {"type":"email","payload":{"recipient":"a@example.com","subject":"s","body":"b"},"callbackUrl":"%s"}""".formatted(hook("email")));
        String sms = create("""
                {"type":"sms","payload":{"phone":"+14155550123","message":"m"}}""");
        String push = create("""
                {"type":"push","payload":{"token":"device-1","title":"t","body":"b"}}""");
        for (String id : List.of(email, sms, push)) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() ->
                            JsonPath.read(get("/api/jobs/" + id), "$.status").equals("failed"));
        }
        assertThat(JsonPath.<List<String>>read(get("/api/dead-letters"), "$[*]._id"))
                .containsExactlyInAnyOrder(email, sms, push);
        await().atMost(Duration.ofSeconds(5)).until(() -> webhooks("email").size() == 1);
        assertThat(webhooks("email").getFirst()).contains("\"status\":\"failed\"");

        system.process("worker-1").terminate(Duration.ofSeconds(30));
        system.startWorker("worker-ok", Map.of("NOTIFYHUB_PROVIDERS_SIMULATED_FAILURE_RATE", "0"));

        HttpResponse<String> retried = send(
                HttpRequest.newBuilder(api("/api/jobs/" + email + "/retry")).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        JsonPath.read(get("/api/jobs/" + email), "$.status").equals("sent"));
        assertThat(JsonPath.<List<String>>read(get("/api/jobs/" + email), "$.history[*].outcome"))
                .containsExactly("failed", "requeued", "sent");
        await().atMost(Duration.ofSeconds(5)).until(() -> webhooks("email").size() == 2);
        assertThat(webhooks("email").get(1)).contains("\"status\":\"sent\"");

        HttpResponse<String> replayed = send(HttpRequest.newBuilder(api("/api/dead-letters/replay?type=sms"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(JsonPath.<Integer>read(replayed.body(), "$.replayed")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> JsonPath.read(get("/api/jobs/" + sms), "$.status").equals("sent"));
        assertThat(JsonPath.<List<String>>read(get("/api/dead-letters"), "$[*]._id"))
                .containsExactly(push);
    }

    private static String hook(String name) {
        return "http://127.0.0.1:" + hooks.port() + "/hooks/" + name;
    }

    private static List<String> webhooks(String name) {
        return hooks.findAll(postRequestedFor(urlPathEqualTo("/hooks/" + name))).stream()
                .map(request -> request.getBodyAsString())
                .toList();
    }

    private static String create(String body) throws Exception {
        HttpResponse<String> created = send(HttpRequest.newBuilder(api("/api/jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JsonPath.read(created.body(), "$._id");
    }

    private static String get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(api(path)).GET()).body();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return send(
                request.header("Authorization", "Bearer " + LocalSystem.API_KEY).build());
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static URI api(String path) {
        return URI.create("http://127.0.0.1:" + system.apiPort() + path);
    }
}
