package io.notifyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import io.notifyhub.e2e.support.LocalSystem;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The whole path of a notification, from POST to sent, across local-stack, the API and two workers as processes. */
class PipelineTests {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LocalSystem system;

    @BeforeAll
    static void start() {
        system = new LocalSystem(Map.of(
                        "LOGGING_LEVEL_IO_NOTIFYHUB_API_JOB", "DEBUG",
                        "LOGGING_LEVEL_IO_NOTIFYHUB_WORKER_DELIVERY", "DEBUG"))
                .start(2);
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"""
            {"type":"email","payload":{"recipient":"user@example.com","subject":"Welcome!","body":"Thank you for signing up"}}""", """
            {"type":"sms","payload":{"phone":"+14155550123","message":"Your code is 123456"}}""", """
            {"type":"push","payload":{"token":"device-1","title":"Hi","body":"You have mail","data":{"k":"v"}}}"""})
    void shouldTakeAJobFromPostToSent(String body) throws Exception {
        HttpResponse<String> created = send(HttpRequest.newBuilder(api("/api/jobs"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + LocalSystem.API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JsonPath.read(created.body(), "$._id");

        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> JsonPath.read(get("/api/jobs/" + id), "$.status").equals("sent"));

        String job = get("/api/jobs/" + id);
        assertThat(JsonPath.<Integer>read(job, "$.attempts")).isEqualTo(1);
        assertThat(JsonPath.<String>read(job, "$.provider")).isEqualTo("simulated");
        assertThat(JsonPath.<List<String>>read(job, "$.history[*].outcome")).containsExactly("sent");
        assertThat(JsonPath.<String>read(job, "$.history[0].worker")).startsWith("e2e-worker-");
        assertThat(JsonPath.<List<String>>read(get("/api/jobs?limit=500"), "$[*]._id"))
                .contains(id);
    }

    @Test
    void shouldCarryOneTraceIdFromTheApiThroughRabbitMqToTheWorker() throws Exception {
        HttpResponse<String> created = send(HttpRequest.newBuilder(api("/api/jobs"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + LocalSystem.API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"type\":\"sms\",\"payload\":{\"phone\":\"+14155550123\",\"message\":\"trace me\"}}"))
                .build());
        String id = JsonPath.read(created.body(), "$._id");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> JsonPath.read(get("/api/jobs/" + id), "$.status").equals("sent"));

        // the services log JSON lines (ECS) with the MDC: jobId, traceId, spanId
        String published = await().atMost(Duration.ofSeconds(5))
                .until(() -> logLine("api", id, "published"), line -> line != null);
        String sent = await().atMost(Duration.ofSeconds(5))
                .until(
                        () -> Optional.ofNullable(logLine("worker-1", id, "sent by"))
                                .orElse(logLine("worker-2", id, "sent by")),
                        line -> line != null);
        String trace = JsonPath.read(published, "$.traceId");
        assertThat(trace).isNotBlank();
        assertThat(JsonPath.<String>read(sent, "$.traceId")).isEqualTo(trace);
        assertThat(JsonPath.<String>read(sent, "$.jobId")).isEqualTo(id);
        assertThat(sent).as("no recipient in logs").doesNotContain("+14155550123");
    }

    @Test
    void shouldSendAScheduledJobWithinAFewSecondsOfItsTime() throws Exception {
        Instant due = Instant.now().plusSeconds(2);
        HttpResponse<String> created = post("/api/jobs", """
                {"type":"email","scheduledAt":"%s","payload":{"recipient":"later@example.com","subject":"Reminder","body":"Now"}}""".formatted(due));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JsonPath.read(created.body(), "$._id");
        assertThat(JsonPath.<String>read(created.body(), "$.status")).isEqualTo("scheduled");

        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> JsonPath.read(get("/api/jobs/" + id), "$.status").equals("sent"));

        String job = get("/api/jobs/" + id);
        Instant started = Instant.parse(JsonPath.read(job, "$.history[0].startedAt"));
        Instant ended = Instant.parse(JsonPath.read(job, "$.history[0].endedAt"));
        assertThat(started).as("not sent before its time").isAfterOrEqualTo(due);
        assertThat(Duration.between(due, ended))
                .as("sent within a few seconds of its time")
                .isLessThan(Duration.ofSeconds(3));
        System.out.printf(
                "PipelineTests: scheduled for %s, sent %s (%d ms late)%n",
                due, ended, Duration.between(due, ended).toMillis());
    }

    @Test
    void shouldSendEveryJobOfABatchIncludingAHighOne() throws Exception {
        HttpResponse<String> created = post("/api/jobs/batch", """
                {"jobs":[
                 {"type":"sms","payload":{"phone":"+14155550123","message":"one"}},
                 {"type":"sms","priority":"high","payload":{"phone":"+14155550123","message":"two"}},
                 {"type":"push","payload":{"token":"device-1","title":"Hi","body":"three"}}]}""");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        List<String> ids = JsonPath.read(created.body(), "$.ids");
        assertThat(ids).hasSize(3);

        for (String id : ids) {
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() ->
                            JsonPath.read(get("/api/jobs/" + id), "$.status").equals("sent"));
        }
        assertThat(JsonPath.<String>read(get("/api/jobs/" + ids.get(1)), "$.priority"))
                .isEqualTo("high");
    }

    private static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(api(path))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + LocalSystem.API_KEY)
                .header("Authorization", "Bearer " + LocalSystem.API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private static String logLine(String service, String jobId, String text) throws IOException {
        Path log = Path.of(System.getProperty("notifyhub.logs", "target/e2e-logs"), service + ".log");
        return Files.readAllLines(log).stream()
                .filter(line -> line.startsWith("{") && line.contains(jobId) && line.contains(text))
                .findFirst()
                .orElse(null);
    }

    private static String get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(api(path))
                        .header("Authorization", "Bearer " + LocalSystem.API_KEY)
                        .GET()
                        .build())
                .body();
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static URI api(String path) {
        return URI.create("http://127.0.0.1:" + system.apiPort() + path);
    }
}
