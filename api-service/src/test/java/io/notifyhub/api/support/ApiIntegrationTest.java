package io.notifyhub.api.support;

import io.notifyhub.api.messaging.BatchingPublisher;
import io.notifyhub.localstack.TestInfrastructure;
import io.notifyhub.model.Channel;
import io.notifyhub.model.Priority;
import io.notifyhub.model.ratelimit.MongoBucketProxyManager;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.topology.Topology;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the API's integration tests: the real API on a random port, talking over TCP to the real RabbitMQ
 * and a MongoDB-wire server ({@link TestInfrastructure} picks them). Queues and jobs are emptied before each test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ApiIntegrationTest {

    @LocalServerPort
    protected int port;

    @Autowired
    protected MongoTemplate mongo;

    @Autowired
    protected AmqpAdmin rabbitAdmin;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", TestInfrastructure::mongoUri);
        registry.add("spring.rabbitmq.addresses", TestInfrastructure::rabbitAddresses);
        registry.add("notifyhub.api.auth.bootstrap-keys", () -> ApiClient.BOOTSTRAP_KEYS);
    }

    @Autowired
    protected BatchingPublisher batching;

    @BeforeEach
    void emptyQueuesAndStore() {
        // the messages of an earlier test's jobs go out just after its answers: let them, before emptying queues
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .until(() -> batching.waiting() == 0);
        for (Channel channel : Channel.values()) {
            for (Priority priority : Priority.values()) {
                rabbitAdmin.purgeQueue(Topology.workQueue(channel, priority), false);
            }
        }
        mongo.remove(new Query(), Job.class);
        mongo.getCollection(MongoBucketProxyManager.COLLECTION).deleteMany(new org.bson.Document());
    }

    protected long storedJobs() {
        return mongo.count(new Query(), Job.class);
    }

    protected long queued(Channel channel) {
        var info = rabbitAdmin.getQueueInfo(Topology.workQueue(channel));
        return info == null ? 0 : info.getMessageCount();
    }

    protected long queuedInAllChannels() {
        long total = 0;
        for (Channel channel : Channel.values()) {
            total += queued(channel);
        }
        return total;
    }

    protected HttpResponse<String> post(String path, String contentType, String body) {
        return new ApiClient(port).post(path, contentType, body);
    }

    protected HttpResponse<String> postJson(String body) {
        return new ApiClient(port).postJson(body);
    }

    protected HttpResponse<String> get(String path) {
        return new ApiClient(port).get(path);
    }
}
