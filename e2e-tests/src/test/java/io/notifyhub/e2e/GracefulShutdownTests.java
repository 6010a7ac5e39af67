package io.notifyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.notifyhub.e2e.support.LoadClient;
import io.notifyhub.e2e.support.LocalSystem;
import io.notifyhub.e2e.support.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** SIGTERM on a worker that is busy: it finishes what it holds, gives back the rest, and exits in time. */
class GracefulShutdownTests {

    private static final Path SENDS =
            Path.of(System.getProperty("notifyhub.logs", "target/e2e-logs")).resolveSibling("shutdown-sends.log");

    @Test
    void shouldFinishOrReturnEveryJobAWorkerHoldsWhenItIsTerminated() throws Exception {
        Files.deleteIfExists(SENDS);
        try (LocalSystem system = new LocalSystem(Map.of(
                                "NOTIFYHUB_PROVIDERS_SIMULATED_LATENCY", "1500ms",
                                "NOTIFYHUB_PROVIDERS_SIMULATED_RECORD_FILE",
                                        SENDS.toAbsolutePath().toString(),
                                "SPRING_RABBITMQ_LISTENER_SIMPLE_CONCURRENCY", "4",
                                "SPRING_RABBITMQ_LISTENER_SIMPLE_PREFETCH", "3",
                                "NOTIFYHUB_WORKER_SHUTDOWN_TIMEOUT", "10s"))
                        .start(2);
                MongoClient client = MongoClients.create(system.mongoUri())) {
            MongoCollection<Document> jobs = client.getDatabase("notifyhub-e2e").getCollection("jobs");
            jobs.deleteMany(new Document());
            LoadClient.Result load = new LoadClient(system.apiPort(), Duration.ofSeconds(10)).submit(40, 200);
            assertThat(load.accepted()).hasSize(40);
            ServiceProcess worker = system.process("worker-1");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> jobs.countDocuments(
                                    new Document("status", "processing").append("claimedBy", "e2e-worker-1"))
                            > 0);

            long started = System.nanoTime();
            int exit = worker.terminate(Duration.ofSeconds(30));
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(exit).as("exit code after SIGTERM").isIn(0, 143);
            assertThat(took)
                    .as("within shutdown-timeout (10 s) and start-up slack")
                    .isLessThan(Duration.ofSeconds(20));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> jobs.countDocuments(new Document("status", "sent")) == 40);
            List<String> lines = Files.readAllLines(SENDS);
            assertThat(lines)
                    .as("one delivery per job, no repeats")
                    .hasSize(40)
                    .noneMatch(line -> line.endsWith(" repeat"));
            assertThat(jobs.countDocuments(new Document("history.outcome", "lost")))
                    .as("nothing abandoned")
                    .isZero();
            assertThat(jobs.countDocuments(new Document("history.worker", "e2e-worker-1")))
                    .as("it finished its own")
                    .isPositive();
            System.out.printf(
                    "graceful-shutdown: worker exited %d in %d ms; 40 of 40 jobs sent once%n", exit, took.toMillis());
        }
    }
}
