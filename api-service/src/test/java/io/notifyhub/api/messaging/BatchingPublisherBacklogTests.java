package io.notifyhub.api.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.notifyhub.localstack.TestInfrastructure;
import io.notifyhub.model.JobMessage;
import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.store.JobStore;
import io.notifyhub.model.topology.Topology;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * The publisher's backlog (what the reconciler adds to its grace) against a broker that takes the TCP
 * connection and never answers: the batch hangs in the AMQP handshake, and the backlog shows how long.
 */
class BatchingPublisherBacklogTests {

    private final List<Socket> accepted = new CopyOnWriteArrayList<>(); // added by the accepting thread
    private ServerSocket silentBroker;
    private CachingConnectionFactory connections;
    private BatchingPublisher publisher;
    private MongoClient mongo;

    @AfterEach
    void stop() throws IOException {
        publisher.stop();
        connections.destroy();
        mongo.close();
        silentBroker.close();
        for (Socket socket : accepted) {
            socket.close();
        }
    }

    @Test
    void shouldCountTheOldestMessageStillHeldUntilItsBatchEnds() throws Exception {
        silentBroker = new ServerSocket(0);
        Thread.ofVirtual().start(() -> {
            while (!silentBroker.isClosed()) {
                try {
                    accepted.add(silentBroker.accept()); // and never a byte back
                } catch (IOException closed) {
                    return;
                }
            }
        });
        connections = new CachingConnectionFactory("127.0.0.1", silentBroker.getLocalPort());
        // the client waits half of this for the broker's first frame, then gives up
        connections.getRabbitConnectionFactory().setHandshakeTimeout(8000);
        connections.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        connections.setPublisherReturns(true);
        RabbitTemplate rabbit = new RabbitTemplate(connections);
        rabbit.setMandatory(true);
        mongo = MongoClients.create(TestInfrastructure.mongoUri());
        JobStore store = new JobStore(new MongoTemplate(mongo, "notifyhub-backlog-test"));
        publisher = new BatchingPublisher(
                new JobPublisher(rabbit, Duration.ofSeconds(2)),
                store,
                Clock.systemUTC(),
                CircuitBreaker.ofDefaults("broker"),
                1,
                256,
                100);
        publisher.start();
        assertThat(publisher.backlog()).isEqualTo(Duration.ZERO);

        CompletableFuture<Boolean> first = publisher.publish(outgoing());
        await().atMost(Duration.ofSeconds(3)).until(() -> publisher.backlog().compareTo(Duration.ofMillis(1500)) > 0);
        assertThat(first).as("still in the handshake").isNotDone();

        // the batch fails when the handshake times out: nothing held, nothing counted
        assertThat(first.get(10, TimeUnit.SECONDS))
                .as("not published; left to the reconciler")
                .isFalse();
        await().atMost(Duration.ofSeconds(2)).until(() -> publisher.backlog().equals(Duration.ZERO));
    }

    private static JobPublisher.Outgoing outgoing() {
        return new JobPublisher.Outgoing(Topology.WORK_EXCHANGE, "email", JobMessage.of(new ObjectId().toHexString()));
    }
}
