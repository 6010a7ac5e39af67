package io.notifyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.notifyhub.e2e.support.DeliveryAudit;
import io.notifyhub.e2e.support.LoadClient;
import io.notifyhub.e2e.support.LocalSystem;
import io.notifyhub.e2e.support.RabbitNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A three-node RabbitMQ cluster on this machine (distinct node names and ports, one cookie), the work queues
 * quorum queues replicated on all three. Under load, the node leading the email work queue is killed (-9):
 * publishers and consumers fail over to the other nodes, and nothing is lost or delivered twice.
 */
class ClusterFailoverTests {

    private static final int JOBS = Integer.getInteger("notifyhub.cluster.jobs", 2_000);
    private static final int RATE = 100;
    private static final Path DIR =
            Path.of(System.getProperty("notifyhub.logs", "target/e2e-logs")).resolveSibling("cluster");

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void shouldFailOverWithoutLossWhenTheLeaderOfAWorkQueueIsKilled() throws Exception {
        assumeTrue(RabbitNode.available(), "rabbitmq-server is not installed: the cluster test needs nodes of its own");
        Files.createDirectories(DIR);
        Path sends = DIR.resolve("provider-sends.log");
        Files.deleteIfExists(sends);
        List<RabbitNode> nodes = new ArrayList<>();
        try {
            for (int i = 1; i <= 3; i++) {
                nodes.add(new RabbitNode("notifyhub-cluster", LocalSystem.freePort(), DIR.resolve("node-" + i)));
            }
            String cookie = RabbitNode.newCookie();
            List<String> members = nodes.stream().map(RabbitNode::nodeName).toList();
            for (RabbitNode node : nodes) {
                node.clusterWith(cookie, members).start(Duration.ofSeconds(120)); // each joins the running ones
            }
            String status = nodes.getFirst()
                    .ctl(Duration.ofSeconds(60), "cluster_status")
                    .output();
            assertThat(members).as("cluster_status:\n" + status).allMatch(status::contains);
            String addresses = nodes.stream().map(RabbitNode::addresses).collect(Collectors.joining(","));

            try (LocalSystem system = new LocalSystem(Map.of(
                                    "RABBITMQ_ADDRESSES",
                                    addresses,
                                    "RABBITMQ_VHOST",
                                    "/",
                                    "NOTIFYHUB_WORKER_LEASE",
                                    "10s",
                                    "NOTIFYHUB_TOPOLOGY_DELAY_TIERS",
                                    "1s,2s,4s",
                                    "NOTIFYHUB_PROVIDERS_SIMULATED_LATENCY",
                                    "5ms",
                                    "NOTIFYHUB_PROVIDERS_SIMULATED_RECORD_FILE",
                                    sends.toAbsolutePath().toString(),
                                    "NOTIFYHUB_RECONCILER_INTERVAL",
                                    "1s",
                                    "NOTIFYHUB_RECONCILER_GRACE",
                                    "3s",
                                    "NOTIFYHUB_IDEMPOTENCY_IN_FLIGHT_TIMEOUT",
                                    "5s"))
                            .start(2);
                    ExecutorService loader = Executors.newSingleThreadExecutor()) {
                RabbitNode leader = leaderOf("notifyhub.work.email", nodes);
                Future<LoadClient.Result> running = loader.submit(
                        () -> new LoadClient(system.apiPort(), Duration.ofSeconds(90)).submit(JOBS, RATE));
                TimeUnit.SECONDS.sleep(JOBS / RATE / 3);
                Instant killedAt = Instant.now();
                leader.kill();
                System.out.printf(
                        "cluster-failover: killed %s, leader of notifyhub.work.email, %d s into the load%n",
                        leader.nodeName(), JOBS / RATE / 3);
                LoadClient.Result load = running.get();

                try (DeliveryAudit audit = new DeliveryAudit(system.mongoUri())) {
                    audit.awaitFinished(load.accepted(), Duration.ofMinutes(3));
                    DeliveryAudit.Figures figures = audit.audit(load.accepted(), sends);
                    // the jobs submitted around the kill: how long until the last of them was finished
                    Duration recovery = figures.jobs().stream()
                            .filter(job -> Duration.between(
                                                    killedAt,
                                                    job.getDate("createdAt").toInstant())
                                            .abs()
                                            .compareTo(Duration.ofSeconds(2))
                                    <= 0)
                            .map(job -> Duration.between(
                                    killedAt, job.getDate("updatedAt").toInstant()))
                            .max(Duration::compareTo)
                            .orElse(Duration.ZERO);
                    System.out.printf("cluster-failover: answers %s (-1: unreachable)%n", load.answers());
                    System.out.printf(
                            "cluster-failover: %s refused=%d recovery=%.1fs%n",
                            figures.line(), load.refused(), recovery.toMillis() / 1000.0);
                    figures.assertPromisesKept(JOBS * 9 / 10, load.refused());
                }
            }
        } finally {
            nodes.reversed().forEach(RabbitNode::close);
        }
    }

    /** The node that leads a quorum queue, as a surviving member reports it. */
    private static RabbitNode leaderOf(String queue, List<RabbitNode> nodes) {
        String listing = nodes.getFirst()
                .ctl(Duration.ofSeconds(60), "list_queues", "name", "leader", "--no-table-headers", "--quiet")
                .output();
        String leader = listing.lines()
                .map(String::trim)
                .filter(line -> line.startsWith(queue + "\t") || line.startsWith(queue + " "))
                .map(line -> line.substring(queue.length()).trim())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no leader for " + queue + " in:\n" + listing));
        return nodes.stream()
                .filter(node -> node.nodeName().equals(leader))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("leader " + leader + " is not one of ours"));
    }
}
