package io.notifyhub.worker.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.notifyhub.localstack.EmbeddedMongo;
import io.notifyhub.localstack.TestInfrastructure;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobMessage;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import io.notifyhub.model.topology.Topology;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A worker started while the store is down (a node restarting, a failover) stays up, as an orchestrator would
 * want, instead of exiting and being restarted into the same outage; once the store answers it delivers. Its
 * store is one of its own, on a port where nothing listens until the test starts it.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"notifyhub.worker.id=store-down-worker", "notifyhub.store.timeout=500ms"})
class StoreDownAtStartTests {

    private static final int STORE_PORT = freePort();
    private static EmbeddedMongo store;

    @Autowired
    JobStore jobs;

    @Autowired
    RabbitTemplate rabbit;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", () -> "mongodb://127.0.0.1:" + STORE_PORT + "/store-down-at-start");
        registry.add("spring.rabbitmq.addresses", TestInfrastructure::rabbitAddresses);
    }

    @AfterAll
    static void stopStore() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void shouldStartWithoutTheStoreAndDeliverOnceItIsBack() {
        // the context is up: nothing at start-up needed the store
        store = EmbeddedMongo.inMemory("127.0.0.1", STORE_PORT);
        Job job = await().atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(
                        () -> jobs.insert(Job.queued(
                                Channel.SMS, Map.of("phone", "+14155550123", "message", "Hello"), Instant.now())),
                        stored -> true);

        rabbit.send(
                Topology.WORK_EXCHANGE,
                Topology.routingKey(job.type()),
                new Message(JobMessage.of(job.idHex()).toBytes(), new MessageProperties()));

        await().atMost(Duration.ofSeconds(20))
                .until(() -> jobs.find(job.idHex()).orElseThrow().status() == JobStatus.SENT);
        assertThat(jobs.find(job.idHex()).orElseThrow().history())
                .as("sent once")
                .hasSize(1);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
