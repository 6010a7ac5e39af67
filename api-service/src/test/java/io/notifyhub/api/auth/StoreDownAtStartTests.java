package io.notifyhub.api.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.notifyhub.api.job.JobApiTests;
import io.notifyhub.api.support.ApiClient;
import io.notifyhub.localstack.EmbeddedMongo;
import io.notifyhub.localstack.TestInfrastructure;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The API started while the store is down (a node restarting, a failover) stays up, answers {@code 503}, and
 * stores its bootstrap keys and takes jobs once the store answers, instead of exiting and being restarted
 * into the same outage. Its store is one of its own, on a port where nothing listens until the test starts it.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "notifyhub.store.timeout=500ms")
class StoreDownAtStartTests {

    private static final int STORE_PORT = freePort();
    private static EmbeddedMongo store;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", () -> "mongodb://127.0.0.1:" + STORE_PORT + "/api-store-down-at-start");
        registry.add("spring.rabbitmq.addresses", TestInfrastructure::rabbitAddresses);
        registry.add("notifyhub.api.auth.bootstrap-keys", () -> ApiClient.BOOTSTRAP_KEYS);
    }

    @AfterAll
    static void stopStore() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void shouldStartWithoutTheStoreAndTakeJobsOnceItIsBack() {
        ApiClient api = new ApiClient(port);
        HttpResponse<String> meanwhile = api.postJson(JobApiTests.WELCOME_EMAIL);
        assertThat(meanwhile.statusCode()).as(meanwhile.body()).isEqualTo(503);

        store = EmbeddedMongo.inMemory("127.0.0.1", STORE_PORT);

        // the bootstrap keys are stored at the next try (every 5 s), and then the key is known
        HttpResponse<String> created = await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> api.postJson(JobApiTests.WELCOME_EMAIL), response -> response.statusCode() == 201);
        assertThat(created.headers().firstValue("Location")).isPresent();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
