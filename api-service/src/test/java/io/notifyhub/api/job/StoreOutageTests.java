package io.notifyhub.api.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.notifyhub.api.support.ApiClient;
import io.notifyhub.localstack.EmbeddedMongo;
import io.notifyhub.localstack.TestInfrastructure;
import io.notifyhub.model.Channel;
import io.notifyhub.model.topology.Topology;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The API on a store of its own, which the test takes away. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StoreOutageTests {

    private static final EmbeddedMongo STORE = EmbeddedMongo.inMemory();

    @LocalServerPort
    int port;

    @Autowired
    AmqpAdmin admin;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", () -> STORE.uri("outage"));
        registry.add("spring.rabbitmq.addresses", TestInfrastructure::rabbitAddresses);
        registry.add("notifyhub.api.auth.bootstrap-keys", () -> ApiClient.BOOTSTRAP_KEYS);
    }

    @AfterAll
    static void stopStore() {
        STORE.close();
    }

    @Test
    void shouldAnswer503FastAndPublishNothingWhileTheStoreIsDown() {
        ApiClient api = new ApiClient(port);
        assertThat(api.postJson(JobApiTests.WELCOME_EMAIL).statusCode())
                .as("store up")
                .isEqualTo(201);
        // its message goes out just after the answer: wait for it, then empty the queue
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() ->
                        admin.getQueueInfo(Topology.workQueue(Channel.EMAIL)).getMessageCount() == 1);
        admin.purgeQueue(Topology.workQueue(Channel.EMAIL), false);

        STORE.close();
        long started = System.nanoTime();
        HttpResponse<String> response = api.postJson(JobApiTests.WELCOME_EMAIL);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(JsonPath.<String>read(response.body(), "$.detail")).contains("nothing was stored");
        assertThat(took)
                .as("answered within the store timeout (2 s) plus slack")
                .isLessThan(Duration.ofSeconds(4));
        assertThat(admin.getQueueInfo(Topology.workQueue(Channel.EMAIL)).getMessageCount())
                .as("nothing published")
                .isZero();

        // a key this replica has not seen yet cannot be checked without the store: 503 too, not 401 or 500
        HttpResponse<String> unchecked = api.as(ApiClient.OTHER_KEY).postJson(JobApiTests.WELCOME_EMAIL);
        assertThat(unchecked.statusCode()).as(unchecked.body()).isEqualTo(503);
        assertThat(unchecked.headers().firstValue("Retry-After")).isPresent();
    }
}
