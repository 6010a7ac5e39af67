package io.notifyhub.loadtest;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.notifyhub.e2e.support.LocalSystem;
import io.notifyhub.e2e.support.ServiceProcess;
import io.notifyhub.localstack.TestInfrastructure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.bson.Document;

/**
 * One benchmark run: the system as processes (local-stack, the API, workers with the simulated provider),
 * a warm-up, an open-loop stretch at a fixed rate, the end-to-end figures from the store, CPU and memory of
 * every process, and PerfTest's ceiling on the same broker.
 */
public final class Benchmark {

    private Benchmark() {}

    public static Results run(Settings settings, Path out) throws Exception {
        Files.createDirectories(out);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("NOTIFYHUB_PROVIDERS_SIMULATED_LATENCY", settings.latencyMs() + "ms");
        env.put("SPRING_RABBITMQ_LISTENER_SIMPLE_CONCURRENCY", String.valueOf(settings.concurrency()));
        env.put("SPRING_RABBITMQ_LISTENER_SIMPLE_PREFETCH", String.valueOf(settings.prefetch()));
        env.put("NOTIFYHUB_WORKER_MAX_IN_FLIGHT", String.valueOf(settings.inFlight()));
        env.put("LOG_FORMAT", "");
        env.put("NOTIFYHUB_API_RATE_LIMIT_ENABLED", "false"); // the benchmark measures the system, not the limit
        // full JIT (the tests' services run C1 only, to start fast), the heap as set, and maybe a JFR recording each
        System.setProperty(
                ServiceProcess.JVM_ARGS,
                "-Xmx" + settings.heapMb() + "m"
                        + (settings.profile()
                                ? " -XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
                                        + out.toAbsolutePath().resolve("service-%p.jfr")
                                        + " -XX:+HeapDumpOnOutOfMemoryError"
                                        + " -XX:HeapDumpPath=" + out.toAbsolutePath()
                                : ""));
        try (LocalSystem system = new LocalSystem(env).start(settings.workers());
                MongoClient client = MongoClients.create(system.mongoUri())) {
            MongoCollection<Document> jobs = client.getDatabase("notifyhub-e2e").getCollection("jobs");
            OpenLoopDriver driver = new OpenLoopDriver(system.apiPort(), settings.batch());
            if (settings.warmup() > 0) {
                driver.drive(Math.max(1, settings.rate() / 2), settings.warmup());
            }
            awaitSent(jobs, jobs.countDocuments(), 120);

            Instant started = Instant.now();
            WorkerCounters counters = new WorkerCounters(system.workerPorts());
            long jobsBefore = jobs.estimatedDocumentCount();
            WorkerCounters.Counts countsBefore = counters.read();
            long finishedBefore = countsBefore.finished();
            long sentBefore = countsBefore.sent();
            long statsFrom = System.nanoTime();
            Optional<Long> broker = rabbitMq();
            Map<String, ProcessStats> before = stats(system, broker);
            List<long[]> sentOverTime = new ArrayList<>();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            long t0 = System.nanoTime();
            sampler.scheduleAtFixedRate(
                    () -> sentOverTime.add(new long[] {
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
                        counters.read().sent() - sentBefore
                    }),
                    0,
                    1,
                    TimeUnit.SECONDS);
            OpenLoopDriver.Outcome load = driver.drive(settings.rate(), settings.seconds());
            Instant loadEnded = Instant.now();
            double statsSeconds = (System.nanoTime() - statsFrom) / 1e9; // CPU shares over exactly this stretch
            Map<String, ProcessStats> afterLoad = stats(system, broker);
            long submitted = jobs.estimatedDocumentCount() - jobsBefore;
            boolean drained = awaitFinished(counters, finishedBefore + submitted, 300);
            long duplicates = counters.read().duplicates() - countsBefore.duplicates();
            sampler.shutdown();
            sampler.awaitTermination(5, TimeUnit.SECONDS);

            Histogram endToEnd = new Histogram(3);
            Instant lastSent = started;
            long sentAfterLoad = 0;
            for (Document job : jobs.find(new Document("createdAt", new Document("$gte", Date.from(started)))
                            .append("status", "sent"))
                    .projection(new Document("createdAt", 1).append("updatedAt", 1))) {
                Instant created = job.getDate("createdAt").toInstant();
                Instant sent = job.getDate("updatedAt").toInstant();
                endToEnd.recordValue(Math.max(1, sent.toEpochMilli() - created.toEpochMilli()));
                lastSent = sent.isAfter(lastSent) ? sent : lastSent;
                sentAfterLoad += sent.isAfter(loadEnded) ? 1 : 0;
            }
            // what the workers do once the API's inserts no longer share the store with them (over 2 s of it)
            double drainSeconds = (lastSent.toEpochMilli() - loadEnded.toEpochMilli()) / 1000.0;
            Double drainPerSecond = drainSeconds >= 2 ? sentAfterLoad / drainSeconds : null;
            double sentSeconds = Math.max(0.001, (lastSent.toEpochMilli() - started.toEpochMilli()) / 1000.0);

            // the broker alone, flat out (the ceiling) and at the rate offered here (what that rate costs it)
            String amqpUri =
                    "amqp://guest:guest@" + TestInfrastructure.rabbitAddresses().split(",")[0];
            PerfTestCeiling.Ceiling ceiling = settings.perfTestSeconds() <= 0
                    ? null
                    : PerfTestCeiling.measure(
                            amqpUri,
                            settings.perfTestSeconds(),
                            OptionalInt.empty(),
                            broker,
                            out.resolve("perftest.log"));
            PerfTestCeiling.Ceiling brokerAtOfferedRate = settings.perfTestSeconds() <= 0
                    ? null
                    : PerfTestCeiling.measure(
                            amqpUri,
                            settings.perfTestSeconds(),
                            OptionalInt.of(settings.jobsPerSecond()),
                            broker,
                            out.resolve("perftest-at-offered-rate.log"));

            Map<String, Results.Usage> usage = new LinkedHashMap<>();
            before.forEach((name, b) -> {
                ProcessStats a = afterLoad.get(name);
                usage.put(
                        name,
                        new Results.Usage(
                                (a.cpuSeconds() - b.cpuSeconds()) / statsSeconds * 100,
                                (a.jitSeconds() - b.jitSeconds()) / statsSeconds * 100,
                                (a.gcSeconds() - b.gcSeconds()) / statsSeconds * 100,
                                a.rssBytes() / (1024 * 1024)));
            });
            if (settings.profile()) {
                system.terminate(Duration.ofSeconds(60)); // a JVM writes its recording when it exits normally
            }
            return new Results(
                    settings,
                    started,
                    load.accepted(),
                    load.failed(),
                    endToEnd.getTotalCount() / sentSeconds,
                    drainPerSecond,
                    drained,
                    countsBefore.duplicates(),
                    duplicates,
                    load.latencyMicros(),
                    load.perSecondMicros(),
                    endToEnd,
                    sentOverTime,
                    usage,
                    ceiling,
                    brokerAtOfferedRate,
                    machine());
        }
    }

    private static Map<String, ProcessStats> stats(LocalSystem system, Optional<Long> broker) {
        Map<String, ProcessStats> stats = new LinkedHashMap<>();
        List<ServiceProcess> processes = new ArrayList<>();
        if (system.localStack() != null) {
            processes.add(system.localStack());
        }
        processes.add(system.process("api"));
        processes.addAll(system.workers());
        processes.forEach(p -> stats.put(p.name(), ProcessStats.of(p.pid())));
        // the load itself and the broker share the machine: their cost is part of the picture
        stats.put(
                "load client (this JVM)",
                ProcessStats.of(ProcessHandle.current().pid()));
        broker.ifPresent(pid -> stats.put("RabbitMQ (this machine's node)", ProcessStats.ofOther(pid)));
        stats.put("every process on the machine", ProcessStats.machine());
        return stats;
    }

    /** The local RabbitMQ node's Erlang VM, when there is exactly one on this machine. */
    private static Optional<Long> rabbitMq() {
        List<Long> nodes = ProcessHandle.allProcesses()
                .filter(p -> p.info().command().orElse("").endsWith("beam.smp") && bootsRabbit(p.pid()))
                .map(ProcessHandle::pid)
                .toList();
        return nodes.size() == 1 ? Optional.of(nodes.getFirst()) : Optional.empty();
    }

    /** Whether the Erlang VM was started to run RabbitMQ ({@code ProcessHandle} shows only its first arguments). */
    private static boolean bootsRabbit(long pid) {
        try {
            return Files.readString(Path.of("/proc", String.valueOf(pid), "cmdline"))
                    .contains("-s\0rabbit\0boot");
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    /** Waits until the workers have finished {@code total} jobs; false if that took longer than the bound. */
    private static boolean awaitFinished(WorkerCounters counters, long total, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (counters.read().finished() >= total) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        return false;
    }

    /** Waits until every job is sent or failed; false if that took longer than the bound. */
    private static boolean awaitSent(MongoCollection<Document> jobs, long total, int seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            long done = jobs.countDocuments(new Document("status", new Document("$in", List.of("sent", "failed"))));
            if (done >= total) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        return false;
    }

    private static String machine() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 2))
                    .orElse("unknown CPU");
            return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), "
                    + (Runtime.getRuntime().maxMemory() > 0 ? osMemory() : "");
        } catch (Exception e) {
            return Runtime.getRuntime().availableProcessors() + " cores";
        }
    }

    private static String osMemory() throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc/meminfo")).stream()
                .filter(l -> l.startsWith("MemTotal"))
                .findFirst()
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / (1024 * 1024) + " GiB memory")
                .orElse("");
    }
}
