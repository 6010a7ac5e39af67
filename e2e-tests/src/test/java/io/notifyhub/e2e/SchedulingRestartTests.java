package io.notifyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import io.notifyhub.e2e.support.LocalSystem;
import io.notifyhub.e2e.support.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The scheduler keeps no state of its own: a job that fell due while the only API process was down (killed
 * with -9) is sent once an API is back.
 */
class SchedulingRestartTests {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void shouldSendAJobThatFellDueWhileTheApiWasDown() throws Exception {
        // the kill may land while a scheduler round holds its lock; the restarted API takes over once the lock's
        // lease expires (30 s by default, longer than this test waits; CI once hit it)
        try (LocalSystem system = new LocalSystem(Map.of("NOTIFYHUB_SCHEDULER_LEASE", "5s")).start(1)) {
            Instant due = Instant.now().plusSeconds(3);
            HttpResponse<String> created = HTTP.send(
                    HttpRequest.newBuilder(api(system, "/api/jobs"))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + LocalSystem.API_KEY)
                            .POST(HttpRequest.BodyPublishers.ofString("""
                            {"type":"sms","scheduledAt":"%s","payload":{"phone":"+14155550123","message":"later"}}""".formatted(due)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String id = JsonPath.read(created.body(), "$._id");

            ServiceProcess api = system.process("api");
            api.kill();
            Thread.sleep(Math.max(
                    0, Duration.between(Instant.now(), due.plusSeconds(2)).toMillis()));
            api.start();
            system.awaitHealthy(api);
            Instant back = Instant.now();

            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> JsonPath.read(get(system, "/api/jobs/" + id), "$.status")
                            .equals("sent"));
            String job = get(system, "/api/jobs/" + id);
            Instant sent = Instant.parse(JsonPath.read(job, "$.history[0].endedAt"));
            assertThat(sent).isAfter(due);
            System.out.printf("SchedulingRestartTests: due %s, API healthy again %s, sent %s%n", due, back, sent);
        }
    }

    private static String get(LocalSystem system, String path) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(api(system, path))
                                .header("Authorization", "Bearer " + LocalSystem.API_KEY)
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static URI api(LocalSystem system, String path) {
        return URI.create("http://127.0.0.1:" + system.apiPort() + path);
    }
}
