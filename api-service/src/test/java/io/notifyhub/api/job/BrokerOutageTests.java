package io.notifyhub.api.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.notifyhub.api.support.ApiClient;
import io.notifyhub.localstack.TestInfrastructure;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The API with no broker to talk to: it keeps accepting, and leaves the jobs for the reconciler. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "notifyhub.reconciler.enabled=false")
class BrokerOutageTests {

    @LocalServerPort
    int port;

    @Autowired
    JobStore store;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", TestInfrastructure::mongoUri);
        registry.add("spring.rabbitmq.addresses", () -> "127.0.0.1:" + closedPort());
        registry.add("notifyhub.api.auth.bootstrap-keys", () -> ApiClient.BOOTSTRAP_KEYS);
    }

    @Test
    void shouldStoreAndAcceptAJobWhileTheBrokerIsDown() {
        long started = System.nanoTime();
        HttpResponse<String> response = new ApiClient(port).postJson(JobApiTests.WELCOME_EMAIL);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        Job stored = store.find(JsonPath.read(response.body(), "$._id")).orElseThrow();
        assertThat(stored.publishedAt()).as("left for the reconciler").isNull();
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
