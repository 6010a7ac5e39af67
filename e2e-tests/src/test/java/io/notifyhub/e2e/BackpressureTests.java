package io.notifyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.notifyhub.e2e.support.LocalSystem;
import io.notifyhub.e2e.support.RabbitNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * A channel whose backlog passes its bound refuses submissions ({@code 503}, {@code Retry-After}, a batch as a
 * whole), and a work queue at its length limit refuses publishes (a nack), which leaves the jobs stored for the
 * reconciler: nothing accepted is lost. On a RabbitMQ node of its own, so the queues start without messages and
 * with this test's limit, and the machine's broker is untouched.
 */
class BackpressureTests {

    private static final Path DIR =
            Path.of(System.getProperty("notifyhub.logs", "target/e2e-logs")).resolveSibling("backpressure");
    private static final String EMAIL = "{\"type\":\"email\",\"payload\":{\"recipient\":\"u%d@example.com\","
            + "\"subject\":\"Hi\",\"body\":\"Body\"}}";
    private static final String SMS = "{\"type\":\"sms\",\"payload\":{\"phone\":\"+14155550123\",\"message\":\"Hi\"}}";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void shouldRefuseAFullChannelAndLoseNoJobThatAFullQueueRefused() throws Exception {
        assumeTrue(RabbitNode.available(), "rabbitmq-server is not installed: this test needs a node of its own");
        try (RabbitNode rabbit =
                        new RabbitNode("notifyhub-backpressure", LocalSystem.freePort(), DIR.resolve("rabbit"));
                LocalSystem system = new LocalSystem(Map.of(
                                "RABBITMQ_ADDRESSES",
                                        rabbit.start(Duration.ofSeconds(90)).addresses(),
                                "RABBITMQ_VHOST", "/",
                                "NOTIFYHUB_TOPOLOGY_MAX_QUEUE_LENGTH", "20",
                                "NOTIFYHUB_API_BACKPRESSURE_CHANNELS_EMAIL", "10",
                                "NOTIFYHUB_API_BACKPRESSURE_CHECK_EVERY", "200ms",
                                "NOTIFYHUB_API_RATE_LIMIT_ENABLED", "false",
                                "NOTIFYHUB_RECONCILER_INTERVAL", "500ms",
                                "NOTIFYHUB_RECONCILER_GRACE", "1s"))
                        .start(0);
                MongoClient client = MongoClients.create(system.mongoUri());
                Connection amqp = connect(rabbit)) {
            apiPort = system.apiPort();
            MongoCollection<Document> jobs = client.getDatabase("notifyhub-e2e").getCollection("jobs");
            Channel channel = amqp.createChannel();

            // 30 emails in one batch, accepted while the backlog is empty: the queue takes about 20 (a quorum queue
            // applies its limit a few messages late when many arrive at once) and refuses the rest, which stay stored
            HttpResponse<String> first = post("/api/jobs/batch", batch(0, 30));
            assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> ready(channel, "notifyhub.work.email")
                                    + jobs.countDocuments(new Document("type", "email").append("publishedAt", null))
                            == 30);
            long inQueue = ready(channel, "notifyhub.work.email");
            assertThat(inQueue).as("messages in the email queue").isBetween(20L, 29L);

            // over the bound of 10 once the API has read the backlog: emails are refused, alone or in a batch with
            // an SMS, and nothing is stored
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> get(system.apiManagementPort(), "/actuator/prometheus")
                            .contains("notifyhub_api_backlog{application=\"api-service\",channel=\"email\"} " + inQueue
                                    + ".0"));
            HttpResponse<String> refused = post("/api/jobs", EMAIL.formatted(101));
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(refused.body())
                    .contains("\"title\":\"Backlog full\"", "\"backlogs\":{\"email\":" + inQueue + "}");
            HttpResponse<String> mixed =
                    post("/api/jobs/batch", "{\"jobs\":[" + SMS + "," + EMAIL.formatted(102) + "]}");
            assertThat(mixed.statusCode()).isEqualTo(503);
            assertThat(jobs.countDocuments(new Document("type", "sms")))
                    .as("a refused batch stores nothing")
                    .isZero();

            // another channel goes on, and is published: refusals do not open the API's broker breaker
            assertThat(post("/api/jobs", SMS).statusCode()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(10)).until(() -> ready(channel, "notifyhub.work.sms") == 1);
            assertThat(jobs.countDocuments(new Document("type", "email"))).isEqualTo(30);
            String metrics = get(system.apiManagementPort(), "/actuator/prometheus");
            assertThat(metrics)
                    .contains("notifyhub_api_backlog_limit{application=\"api-service\",channel=\"email\"} 10.0")
                    .contains("notifyhub_api_backlog_limit{application=\"api-service\",channel=\"sms\"} 500000.0")
                    .contains("notifyhub_jobs_rejected_total{application=\"api-service\",reason=\"backlog\"} 2.0");

            // workers drain the queue; the reconciler publishes the 10 refused ones, and every job is sent once
            system.startWorker("worker-1", Map.of());
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> jobs.countDocuments(new Document("status", "sent")) == 31);
            assertThat(jobs.countDocuments(new Document("history.1", new Document("$exists", true))))
                    .as("no job was sent twice")
                    .isZero();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> post("/api/jobs", EMAIL.formatted(103)).statusCode() == 201);
        }
    }

    @Test
    void shouldKeepUsingWorkQueuesDeclaredWithOtherArgumentsAndSaySo() throws Exception {
        assumeTrue(RabbitNode.available(), "rabbitmq-server is not installed: this test needs a node of its own");
        try (RabbitNode rabbit =
                new RabbitNode("notifyhub-upgrade", LocalSystem.freePort(), DIR.resolve("rabbit-upgrade"))) {
            rabbit.start(Duration.ofSeconds(90));
            try (Connection amqp = connect(rabbit)) {
                // the email queue as an earlier version declared it: no x-max-length, no x-overflow
                amqp.createChannel()
                        .queueDeclare(
                                "notifyhub.work.email",
                                true,
                                false,
                                false,
                                Map.of(
                                        "x-queue-type",
                                        "quorum",
                                        "x-delivery-limit",
                                        20,
                                        "x-dead-letter-exchange",
                                        "notifyhub.dead-letter"));
                // and the SMS queue with another limit than the services are configured with
                amqp.createChannel()
                        .queueDeclare(
                                "notifyhub.work.sms",
                                true,
                                false,
                                false,
                                Map.of(
                                        "x-queue-type",
                                        "quorum",
                                        "x-delivery-limit",
                                        20,
                                        "x-dead-letter-exchange",
                                        "notifyhub.dead-letter",
                                        "x-max-length",
                                        5000L,
                                        "x-overflow",
                                        "reject-publish"));
            }
            try (LocalSystem system = new LocalSystem(
                                    Map.of("RABBITMQ_ADDRESSES", rabbit.addresses(), "RABBITMQ_VHOST", "/"))
                            .start(1);
                    MongoClient client = MongoClients.create(system.mongoUri())) {
                apiPort = system.apiPort();
                MongoCollection<Document> jobs =
                        client.getDatabase("notifyhub-e2e").getCollection("jobs");
                system.process("api").awaitLog("exists with other arguments than", Duration.ofSeconds(5));

                assertThat(post("/api/jobs", EMAIL.formatted(1)).statusCode()).isEqualTo(201);
                assertThat(post("/api/jobs", SMS).statusCode()).isEqualTo(201);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> jobs.countDocuments(new Document("status", "sent")) == 2);
            }
        }
    }

    private static Connection connect(RabbitNode rabbit) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(rabbit.host());
        factory.setPort(rabbit.amqpPort());
        return factory.newConnection();
    }

    private static long ready(Channel channel, String queue) throws Exception {
        return channel.queueDeclarePassive(queue).getMessageCount();
    }

    private static String batch(int from, int count) {
        return IntStream.range(from, from + count)
                .mapToObj(EMAIL::formatted)
                .collect(Collectors.joining(",", "{\"jobs\":[", "]}"));
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
                        .timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + LocalSystem.API_KEY)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String get(int port, String path) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .timeout(Duration.ofSeconds(10))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private int apiPort;
}
