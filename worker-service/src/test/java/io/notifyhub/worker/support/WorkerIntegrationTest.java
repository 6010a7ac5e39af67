package io.notifyhub.worker.support;

import io.notifyhub.localstack.TestInfrastructure;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobMessage;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.Priority;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import io.notifyhub.model.topology.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the worker's integration tests: the real listener on the real RabbitMQ and a MongoDB-wire server
 * over TCP, with the {@link ScriptedProvider} on every channel and short delay tiers.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "notifyhub.worker.providers.email=scripted",
            "notifyhub.worker.providers.sms=scripted",
            "notifyhub.worker.providers.push=scripted",
            "notifyhub.topology.delay-tiers=500ms,1s",
            "notifyhub.worker.id=test-worker"
        })
@Import(WorkerIntegrationTest.Providers.class)
public abstract class WorkerIntegrationTest {

    @Autowired
    protected JobStore store;

    @Autowired
    protected MongoTemplate mongo;

    @Autowired
    protected RabbitTemplate rabbit;

    @Autowired
    protected AmqpAdmin admin;

    @Autowired
    protected ScriptedProvider provider;

    @Autowired
    protected Topology topology;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", TestInfrastructure::mongoUri);
        registry.add("spring.rabbitmq.addresses", TestInfrastructure::rabbitAddresses);
    }

    @BeforeEach
    void emptyQueuesAndStore() {
        provider.reset();
        for (Channel channel : Channel.values()) {
            for (Priority priority : Priority.values()) {
                admin.purgeQueue(Topology.workQueue(channel, priority), false);
            }
        }
        topology.delayTiers().forEach(tier -> admin.purgeQueue(Topology.delayName(tier), false));
        admin.purgeQueue(Topology.DEAD_LETTER_QUEUE, false);
        mongo.remove(new Query(), Job.class);
    }

    /** Stores a queued job the way the API does, without publishing it. */
    protected Job storedJob(Channel channel) {
        Map<String, Object> payload = switch (channel) {
            case EMAIL -> Map.of("recipient", "user@example.com", "subject", "Hi", "body", "Hello");
            case SMS -> Map.of("phone", "+14155550123", "message", "Hello");
            case PUSH -> Map.of("token", "device-token", "title", "Hi", "body", "Hello");
        };
        return store.insert(Job.queued(channel, payload, Instant.now()));
    }

    protected void publish(Job job) {
        publishRaw(Topology.routingKey(job.type()), JobMessage.of(job.idHex()).toBytes());
    }

    protected void publishRaw(String routingKey, byte[] body) {
        rabbit.send(Topology.WORK_EXCHANGE, routingKey, new Message(body, new MessageProperties()));
    }

    protected JobStatus statusOf(Job job) {
        return store.find(job.idHex()).orElseThrow().status();
    }

    protected Job reload(Job job) {
        return store.find(job.idHex()).orElseThrow();
    }

    /** Takes every message now in the dead-letter queue, waiting up to {@code wait} for the first. */
    protected List<String> drainDeadLetters(int expected, Duration wait) {
        List<String> bodies = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        while (bodies.size() < expected && System.nanoTime() < deadline) {
            Message message = rabbit.receive(Topology.DEAD_LETTER_QUEUE, 200);
            if (message != null) {
                bodies.add(new String(message.getBody()));
            }
        }
        return bodies;
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Providers {
        @Bean
        @Primary // the one tests script; chain tests add more under other names
        ScriptedProvider scriptedProvider() {
            return new ScriptedProvider();
        }
    }
}
