package io.notifyhub.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.notifyhub.e2e.support.RabbitNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RabbitNode}: a broker of its own that can be stopped, started and killed, keeping its data, while
 * the machine's default broker on 5672 is left alone.
 */
class RabbitNodeTests {

    private static final int PORT = 5673;
    private static final int DEFAULT_BROKER_PORT = 5672;
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration STOP = Duration.ofSeconds(30);
    private static final Duration RECOVERY = Duration.ofSeconds(20);
    private static final String QUEUE = "rabbit-node-tests.quorum";
    private static final List<String> SENT =
            IntStream.range(0, 10).mapToObj(i -> "message-" + i).toList();

    @Test
    @Timeout(240)
    void durableQuorumQueueKeepsPersistentMessagesAcrossStopAndKill() throws Exception {
        assumeTrue(
                RabbitNode.available(),
                "RabbitMQ is not installed here (no rabbitmq-server/rabbitmqctl/erl): the fault-test node cannot run");
        boolean defaultBrokerWasUp = RabbitNode.portOpen(DEFAULT_BROKER_PORT);
        Path workDir = Path.of("target/rabbit-fault").toAbsolutePath();

        try (RabbitNode node = new RabbitNode("notifyhub-fault", PORT, workDir)) {
            assertThat(node.addresses()).isEqualTo("127.0.0.1:" + PORT);
            long t = System.nanoTime();
            node.start(START);
            t = log("start (empty work dir)", t);
            ProcessHandle first = ProcessHandle.of(node.pid()).orElseThrow();
            assertThat(first.info().command())
                    .hasValueSatisfying(c -> assertThat(c).endsWith("beam.smp"));

            try (Connection connection = connect(node);
                    Channel channel = connection.createChannel()) {
                channel.queueDeclare(QUEUE, true, false, false, Map.of("x-queue-type", "quorum"));
                channel.confirmSelect();
                for (String body : SENT) {
                    channel.basicPublish(
                            "", QUEUE, true, MessageProperties.PERSISTENT_TEXT_PLAIN, body.getBytes(UTF_8));
                }
                channel.waitForConfirmsOrDie(10_000);
            }
            assertThat(messages(node)).containsExactlyInAnyOrderElementsOf(SENT);

            // graceful stop and start
            t = System.nanoTime();
            node.stop(STOP);
            t = log("stop", t);
            assertThat(RabbitNode.portOpen(PORT)).as("AMQP port after stop").isFalse();
            assertThat(first.isAlive()).as("Erlang VM after stop").isFalse();
            t = System.nanoTime();
            node.start(START);
            t = log("start after stop", t);
            assertThat(node.ctl(
                                    Duration.ofSeconds(30),
                                    "list_queues",
                                    "name",
                                    "type",
                                    "durable",
                                    "--quiet",
                                    "--no-table-headers")
                            .output())
                    .contains(QUEUE)
                    .contains("quorum")
                    .contains("true");
            assertThat(messages(node)).containsExactlyInAnyOrderElementsOf(SENT);

            // kill -9 and start
            ProcessHandle second = ProcessHandle.of(node.pid()).orElseThrow();
            assertThat(second).isNotEqualTo(first);
            t = System.nanoTime();
            node.kill();
            t = log("kill -9", t);
            assertThat(second.isAlive()).as("Erlang VM after kill").isFalse();
            assertThat(RabbitNode.portOpen(PORT)).as("AMQP port after kill").isFalse();
            t = System.nanoTime();
            node.start(START);
            t = log("start after kill", t);
            assertThat(messages(node)).containsExactlyInAnyOrderElementsOf(SENT);
            t = log("messages readable after restart", t);
            node.close();
            log("close", t);
        }

        assertThat(RabbitNode.portOpen(PORT)).as("AMQP port after close").isFalse();
        assertThat(ProcessHandle.allProcesses()
                        .filter(p -> p.info()
                                .command()
                                .map(c -> c.endsWith("beam.smp"))
                                .orElse(false))
                        .filter(p -> p.info()
                                .arguments()
                                .map(a -> String.join(" ", a))
                                .orElse("")
                                .contains(workDir.toString())))
                .as("beam.smp of the test node left after close")
                .isEmpty();
        if (defaultBrokerWasUp) {
            assertThat(RabbitNode.portOpen(DEFAULT_BROKER_PORT))
                    .as("the default broker on 5672")
                    .isTrue();
        }
    }

    private static long log(String step, long since) {
        long now = System.nanoTime();
        System.out.printf("RabbitNodeTests: %s took %d ms%n", step, (now - since) / 1_000_000);
        return now;
    }

    private static Connection connect(RabbitNode node) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(node.host());
        factory.setPort(node.amqpPort());
        factory.setUsername("guest");
        factory.setPassword("guest");
        factory.setConnectionTimeout(5_000);
        factory.setHandshakeTimeout(5_000);
        factory.setAutomaticRecoveryEnabled(false);
        return factory.newConnection("rabbit-node-tests");
    }

    /**
     * The bodies of the messages in the queue, read with basic.get and put back (nack with requeue); retried
     * for a while, since a quorum queue needs a moment after a restart to elect its leader and recover its log.
     */
    private static List<String> messages(RabbitNode node) throws InterruptedException {
        long deadline = System.nanoTime() + RECOVERY.toNanos();
        List<String> seen = List.of();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Connection connection = connect(node);
                    Channel channel = connection.createChannel()) {
                List<String> bodies = new ArrayList<>();
                long lastTag = 0;
                GetResponse response;
                while (bodies.size() <= SENT.size() && (response = channel.basicGet(QUEUE, false)) != null) {
                    assertThat(response.getProps().getDeliveryMode())
                            .as("delivery mode")
                            .isEqualTo(2);
                    bodies.add(new String(response.getBody(), UTF_8));
                    lastTag = response.getEnvelope().getDeliveryTag();
                }
                if (lastTag != 0) {
                    channel.basicNack(lastTag, true, true);
                }
                seen = bodies;
                if (bodies.size() == SENT.size()) {
                    return bodies;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(250);
        }
        if (seen.isEmpty() && last != null) {
            throw new AssertionError(
                    "cannot read " + QUEUE + " on " + node + " within " + RECOVERY + "\n" + node.tail(), last);
        }
        return seen;
    }
}
