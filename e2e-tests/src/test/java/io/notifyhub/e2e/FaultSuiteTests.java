package io.notifyhub.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.notifyhub.e2e.support.DeliveryAudit;
import io.notifyhub.e2e.support.LoadClient;
import io.notifyhub.e2e.support.LocalSystem;
import io.notifyhub.e2e.support.RabbitNode;
import io.notifyhub.e2e.support.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The promises under fire. local-stack, the API and two workers run as processes on a RabbitMQ node of
 * this suite's own; while a client submits 5,000 jobs, a worker is killed (-9) every few seconds and
 * started again, the broker is stopped for 10 s, the API is killed (-9) and started again, and the store
 * stops answering for 10 s. Afterwards every job that got a 201 must be sent or failed, none lost, none
 * left processing, and none sent twice, counted at the provider by job id.
 */
class FaultSuiteTests {

    private static final int JOBS = Integer.getInteger("notifyhub.fault.jobs", 5_000);
    private static final int RATE = Integer.getInteger("notifyhub.fault.rate", 100);
    private static final int WORKERS = 2;
    // after the killed worker is up again: a worker takes 5 to 40 s to start on a loaded two-core machine, and
    // killing one that is still starting only starves the CPU the other processes need to recover
    private static final Duration KILL_EVERY = Duration.ofSeconds(5);
    // how long the client retries one submission (with its key) before it gives up: longer than the API takes
    // to come back after its kill on a slow, loaded machine (up to 75 s seen), plus the backlog it then meets
    private static final Duration CLIENT_RETRIES_FOR = Duration.ofSeconds(180);
    private static final Path DIR =
            Path.of(System.getProperty("notifyhub.logs", "target/e2e-logs")).resolveSibling("fault");

    private final List<Fault> faults = Collections.synchronizedList(new ArrayList<>());

    record Fault(String name, Instant start, Instant end) {}

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void shouldLoseNothingAndSendNothingTwiceWhileThingsAreKilled() throws Exception {
        assumeTrue(RabbitNode.available(), "rabbitmq-server is not installed: the fault suite needs its own node");
        Files.createDirectories(DIR);
        Path sends = DIR.resolve("provider-sends.log");
        Files.deleteIfExists(sends); // the node's own folder is cleaned by RabbitNode, which also stops a leftover node

        try (RabbitNode rabbit = new RabbitNode("notifyhub-fault", LocalSystem.freePort(), DIR.resolve("rabbit"));
                LocalSystem system = new LocalSystem(settings(rabbit.start(Duration.ofSeconds(90)), sends))) {
            system.start(WORKERS);
            AtomicBoolean loading = new AtomicBoolean(true);
            AtomicInteger workerKills = new AtomicInteger();
            LoadClient.Result load;
            try (ExecutorService chaos = Executors.newFixedThreadPool(2)) {
                Future<?> killer = chaos.submit(() -> killWorkersWhile(loading, system, workerKills));
                Future<?> outages = chaos.submit(() -> outages(rabbit, system));
                load = new LoadClient(system.apiPort(), CLIENT_RETRIES_FOR).submit(JOBS, RATE);
                loading.set(false);
                killer.get();
                outages.get();
            }
            for (ServiceProcess worker : system.workers()) {
                if (!worker.isAlive()) {
                    worker.start();
                }
            }

            try (DeliveryAudit audit = new DeliveryAudit(system.mongoUri())) {
                audit.awaitFinished(load.accepted(), Duration.ofMinutes(3));
                DeliveryAudit.Figures figures = audit.audit(load.accepted(), sends);
                Duration longestRecovery = Duration.ZERO;
                for (Fault fault : List.copyOf(faults)) {
                    Duration recovery = recovery(figures.jobs(), fault);
                    longestRecovery = recovery.compareTo(longestRecovery) > 0 ? recovery : longestRecovery;
                    System.out.printf(
                            "fault-suite: %-24s %s -> %s, recovered %.1f s after%n",
                            fault.name(), fault.start(), fault.end(), recovery.toMillis() / 1000.0);
                }
                System.out.printf(
                        "fault-suite: answers %s (-1: unreachable), client retries %d, worker kills %d%n",
                        load.answers(), load.retries(), workerKills.get());
                System.out.printf(
                        "fault-suite: %s refused=%d longest-recovery=%.1fs%n",
                        figures.line(), load.refused(), longestRecovery.toMillis() / 1000.0);
                figures.assertPromisesKept(JOBS * 9 / 10, load.refused());
            }
        }
    }

    private static Map<String, String> settings(RabbitNode rabbit, Path sends) {
        Map<String, String> env = new HashMap<>();
        env.put("RABBITMQ_ADDRESSES", rabbit.addresses());
        env.put("RABBITMQ_VHOST", "/"); // the node of its own has only the default vhost
        env.put("NOTIFYHUB_WORKER_LEASE", "10s");
        env.put("NOTIFYHUB_TOPOLOGY_DELAY_TIERS", "1s,2s,4s");
        env.put("NOTIFYHUB_PROVIDERS_SIMULATED_LATENCY", "5ms");
        env.put(
                "NOTIFYHUB_PROVIDERS_SIMULATED_RECORD_FILE",
                sends.toAbsolutePath().toString());
        env.put("NOTIFYHUB_RECONCILER_INTERVAL", "1s");
        env.put("NOTIFYHUB_RECONCILER_GRACE", "3s");
        // after the store's outage and the API's restart, workers record what they sent well within 10 s
        env.put("NOTIFYHUB_RECONCILER_RELEASE_GRACE", "10s");
        env.put("NOTIFYHUB_IDEMPOTENCY_IN_FLIGHT_TIMEOUT", "5s");
        return env;
    }

    /** kill -9 one worker every few seconds, in turn, and start it again at once; the next kill once it is up. */
    private void killWorkersWhile(AtomicBoolean loading, LocalSystem system, AtomicInteger kills) {
        List<ServiceProcess> workers = system.workers();
        sleep(Duration.ofSeconds(3));
        for (int i = 0; loading.get(); i++) {
            ServiceProcess worker = workers.get(i % workers.size());
            Instant start = Instant.now();
            worker.kill();
            worker.start();
            kills.incrementAndGet();
            faults.add(new Fault("kill -9 " + worker.name(), start, Instant.now()));
            upAgain(system, worker);
            sleep(KILL_EVERY);
        }
    }

    /** Waits until the worker is up; started again, as an orchestrator would, if it exited while starting. */
    private static void upAgain(LocalSystem system, ServiceProcess worker) {
        for (int starts = 1; ; starts++) {
            try {
                system.awaitLive(worker);
                return;
            } catch (IllegalStateException notUp) {
                if (worker.isAlive() || starts == 5) {
                    throw notUp;
                }
                sleep(Duration.ofSeconds(2));
                worker.start();
            }
        }
    }

    /** The broker stopped for 10 s, the API killed and restarted, the store unresponsive for 10 s. */
    private void outages(RabbitNode rabbit, LocalSystem system) {
        sleep(Duration.ofSeconds(6));
        Instant start = Instant.now();
        rabbit.stop(Duration.ofSeconds(60));
        sleep(Duration.ofSeconds(10));
        rabbit.start(Duration.ofSeconds(90));
        faults.add(new Fault("broker stopped 10 s", start, Instant.now()));

        sleep(Duration.ofSeconds(6));
        ServiceProcess api = system.process("api");
        start = Instant.now();
        api.kill();
        api.start();
        system.awaitHealthy(api);
        faults.add(new Fault("kill -9 api", start, Instant.now()));

        sleep(Duration.ofSeconds(4));
        ServiceProcess store = system.localStack();
        if (store != null) {
            start = Instant.now();
            store.pause();
            sleep(Duration.ofSeconds(10));
            store.resume();
            faults.add(new Fault("store unresponsive 10 s", start, Instant.now()));
        }
    }

    /** From the end of a fault until the last job created during it (or just before) was finished. */
    private static Duration recovery(Iterable<Document> jobs, Fault fault) {
        Instant from = fault.start().minusSeconds(2);
        Instant last = fault.end();
        for (Document job : jobs) {
            Instant created = job.getDate("createdAt").toInstant();
            if (!created.isBefore(from) && !created.isAfter(fault.end())) {
                Instant finished = job.getDate("updatedAt").toInstant();
                if (finished.isAfter(last)) {
                    last = finished;
                }
            }
        }
        return Duration.between(fault.end(), last);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
