package io.notifyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.notifyhub.e2e.support.DeliveryAudit;
import io.notifyhub.e2e.support.LoadClient;
import io.notifyhub.e2e.support.LocalSystem;
import io.notifyhub.e2e.support.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A store outage longer than a claim's lease, while sends are in flight (issue #17): the store stops answering
 * (SIGSTOP) for three leases while two workers have hundreds of sends of 1.5 s each under way. The workers that
 * sent during the outage hold their outcomes until the store answers again, and their claims have expired by
 * then; the reconciler must not release those claims before the workers record them, or the jobs would be sent
 * a second time. No worker dies here, so every job must reach the provider exactly once: every call the
 * simulated provider saw is counted, repeats its idempotency key absorbed included. The workers try the store
 * again 5 s apart, so the reconciler would be first when it answers again: with no release grace (the code
 * before issue #17, or {@code NOTIFYHUB_RECONCILER_RELEASE_GRACE=0s}) 109 of 400 jobs were sent twice here.
 */
class StoreFreezeTests {

    private static final int JOBS = 400;
    /** sends under way (claimed, not yet recorded) when the store stops answering */
    private static final int IN_FLIGHT = 100;

    private static final Duration LEASE = Duration.ofSeconds(5);
    private static final Duration FREEZE = LEASE.multipliedBy(3);
    private static final Path DIR =
            Path.of(System.getProperty("notifyhub.logs", "target/e2e-logs")).resolveSibling("store-freeze");

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void shouldSendNothingTwiceWhenTheStoreHangsLongerThanALease() throws Exception {
        Files.createDirectories(DIR);
        Path sends = DIR.resolve("provider-sends.log");
        Files.deleteIfExists(sends);
        Map<String, String> env = new HashMap<>();
        env.put("NOTIFYHUB_WORKER_LEASE", LEASE.toSeconds() + "s");
        env.put("NOTIFYHUB_PROVIDERS_SIMULATED_LATENCY", "1500ms");
        env.put(
                "NOTIFYHUB_PROVIDERS_SIMULATED_RECORD_FILE",
                sends.toAbsolutePath().toString());
        env.put("NOTIFYHUB_TOPOLOGY_DELAY_TIERS", "1s,2s,4s");
        env.put("NOTIFYHUB_RECONCILER_INTERVAL", "1s");
        env.put("NOTIFYHUB_RECONCILER_GRACE", "3s");
        // workers that come back slowly (their store retry is 5 s apart): the reconciler would go first
        env.put("NOTIFYHUB_WORKER_STORE_RETRY", "5s");
        // the reconciler's release grace is its default: what a user runs
        try (LocalSystem system = new LocalSystem(env).start(2)) {
            LoadClient client = new LoadClient(system.apiPort(), Duration.ofMinutes(2));
            CompletableFuture<LoadClient.Result> load = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.submit(JOBS, 100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
            try (MongoClient mongo = MongoClients.create(system.mongoUri())) {
                MongoCollection<Document> jobs = mongo.getDatabase(
                                new ConnectionString(system.mongoUri()).getDatabase())
                        .getCollection("jobs");
                await().atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> jobs.countDocuments(new Document("status", "processing")) >= IN_FLIGHT);
            }
            ServiceProcess store = system.localStack();
            store.pause();
            Thread.sleep(FREEZE.toMillis());
            store.resume();
            LoadClient.Result result = load.get(3, TimeUnit.MINUTES);

            try (DeliveryAudit audit = new DeliveryAudit(system.mongoUri())) {
                audit.awaitFinished(result.accepted(), Duration.ofMinutes(2));
                DeliveryAudit.Figures figures = audit.audit(result.accepted(), sends);
                Map<String, Long> calls = Files.readAllLines(sends).stream()
                        .filter(line -> !line.isBlank())
                        .collect(Collectors.groupingBy(
                                line -> line.substring(0, line.indexOf(' ')), Collectors.counting()));
                long twice = calls.values().stream().filter(count -> count > 1).count();
                System.out.printf(
                        "store-freeze: store hung %d s with a %d s lease; %s; provider calls %d for %d jobs,"
                                + " jobs called more than once %d%n",
                        FREEZE.toSeconds(),
                        LEASE.toSeconds(),
                        figures.line(),
                        calls.values().stream().mapToLong(Long::longValue).sum(),
                        calls.size(),
                        twice);

                assertThat(result.accepted()).as("jobs accepted").hasSizeGreaterThan(JOBS / 2);
                assertThat(figures.sent())
                        .as("jobs sent")
                        .isEqualTo(result.accepted().size());
                assertThat(calls.keySet())
                        .as("jobs the provider was called for")
                        .isEqualTo(result.accepted());
                assertThat(twice)
                        .as("jobs the provider was called for more than once (no worker died)")
                        .isZero();
            }
        }
    }
}
