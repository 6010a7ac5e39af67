package io.notifyhub.loadtest;

import io.notifyhub.e2e.support.LocalSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The everyday job, measured as a new user meets it: one job per request, in the system exactly as
 * {@code ./run-local} runs it (it is started here: the file-backed local-stack store, email over SMTP to its
 * sink, two workers, every default on, the per-client rate limit and trace sampling included), from a state
 * folder of its own that starts empty. First cold: 100 emails a second from the moment it prints "ready";
 * then, after a warm-up, each load of {@code loads} {@code runs} times, and the median of each figure. For
 * every run: jobs accepted and refused (by status), submit latency from each request's due time, jobs sent end
 * to end while the load ran (the workers' counters) and once it stopped, and each process's CPU per job, the
 * load client's (this JVM) and RabbitMQ's included.
 *
 * <p>Words: {@code cold} (seconds of the cold run, 0 skips it), {@code warmup} (seconds at 300/s),
 * {@code seconds} (each run), {@code runs}, {@code loads} (e.g. {@code email:600,email:1000,sms:1000}).
 */
public final class SinglesBenchmark {

    private static final String DEV_KEY = "nhk_localdev_for-local-use-only-000000";

    private SinglesBenchmark() {}

    record Load(String type, int rate) {
        static Load parse(String word) {
            String[] parts = word.split(":");
            return new Load(parts[0], Integer.parseInt(parts[1]));
        }

        @Override
        public String toString() {
            return type + " " + rate + "/s";
        }
    }

    /** One run's figures. */
    record Run(
            String label,
            int offered,
            int seconds,
            long accepted,
            Map<Integer, Long> statuses,
            double p50Ms,
            double p99Ms,
            double sentPerSecondDuringLoad,
            double sentPerSecondOverall,
            Map<String, Double> cpuMsPerJob,
            double machinePercent) {}

    public static String run(String words, Path out) throws Exception {
        Map<String, String> given = new LinkedHashMap<>();
        for (String word : words.trim().split("\\s+")) {
            if (word.contains("=")) {
                given.put(word.substring(0, word.indexOf('=')), word.substring(word.indexOf('=') + 1));
            }
        }
        int cold = Integer.parseInt(given.getOrDefault("cold", "60"));
        int warmup = Integer.parseInt(given.getOrDefault("warmup", "120"));
        int seconds = Integer.parseInt(given.getOrDefault("seconds", "30"));
        int runs = Integer.parseInt(given.getOrDefault("runs", "3"));
        List<Load> loads = List.of(given.getOrDefault("loads", "email:600,email:1000,sms:1000")
                        .split(","))
                .stream()
                .map(Load::parse)
                .toList();

        Files.createDirectories(out);
        Path state = out.resolve("run-local");
        deleteRecursively(state);
        int apiPort = LocalSystem.freePort();
        List<Integer> workerPorts = List.of(LocalSystem.freePort(), LocalSystem.freePort());
        Map<String, String> env = new LinkedHashMap<>();
        env.put("NOTIFYHUB_STATE_DIR", state.toAbsolutePath().toString());
        env.put("API_PORT", String.valueOf(apiPort));
        env.put("MANAGEMENT_PORT", String.valueOf(LocalSystem.freePort()));
        env.put("WORKER_1_PORT", String.valueOf(workerPorts.get(0)));
        env.put("WORKER_2_PORT", String.valueOf(workerPorts.get(1)));
        env.put("LOCAL_STACK_MONGO_PORT", String.valueOf(LocalSystem.freePort()));
        env.put("LOCAL_STACK_SMTP_PORT", String.valueOf(LocalSystem.freePort()));
        env.put("LOCAL_STACK_MAIL_PORT", String.valueOf(LocalSystem.freePort()));
        Path root = Path.of(System.getProperty("notifyhub.root", ".."))
                .toAbsolutePath()
                .normalize();
        ProcessBuilder builder = new ProcessBuilder(root.resolve("run-local").toString())
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.resolve("run-local.log").toFile());
        builder.environment().putAll(env);
        List<Run> results = new ArrayList<>();
        Process runLocal = builder.start();
        try {
            awaitReady(runLocal, out.resolve("run-local.log"));
            Map<String, Long> processes = services(runLocal);
            WorkerCounters counters = new WorkerCounters(workerPorts);
            if (cold > 0) {
                results.add(measure(
                        "cold: email 100/s from \"ready\"",
                        new Load("email", 100),
                        cold,
                        apiPort,
                        counters,
                        processes));
            }
            if (warmup > 0) {
                drive(apiPort, new Load("email", 300), warmup);
                awaitDrained(counters, Duration.ofSeconds(120));
            }
            for (Load load : loads) {
                for (int i = 1; i <= runs; i++) {
                    results.add(
                            measure("warm: " + load + " (run " + i + ")", load, seconds, apiPort, counters, processes));
                }
            }
        } finally {
            runLocal.destroy(); // SIGTERM: run-local stops what it started
            if (!runLocal.waitFor(90, TimeUnit.SECONDS)) {
                runLocal.destroyForcibly();
            }
        }
        String report = SinglesReport.of(results, loads, runs);
        Files.writeString(out.resolve("singles.md"), report);
        return report;
    }

    private static Run measure(
            String label, Load load, int seconds, int apiPort, WorkerCounters counters, Map<String, Long> processes)
            throws Exception {
        long sentBefore = counters.read().sent();
        Map<String, ProcessStats> before = stats(processes);
        long from = System.nanoTime();
        ClientOutcome outcome = drive(apiPort, load, seconds);
        double loadSeconds = (System.nanoTime() - from) / 1e9;
        long sentDuringLoad = counters.read().sent() - sentBefore;
        Map<String, ProcessStats> after = stats(processes);
        Duration drained = awaitDrained(counters, Duration.ofSeconds(120));
        long sent = counters.read().sent() - sentBefore;
        Map<String, Double> cpu = new LinkedHashMap<>();
        long jobs = Math.max(1, outcome.accepted());
        before.forEach((name, b) -> {
            // each process seen before and after (another broker node may come or go); the machine is a percentage
            if (after.containsKey(name) && !"machine".equals(name)) {
                cpu.put(name, (after.get(name).cpuSeconds() - b.cpuSeconds()) * 1000 / jobs);
            }
        });
        if (outcome.clientCpuSeconds() >= 0) {
            cpu.put("load client", outcome.clientCpuSeconds() * 1000 / jobs); // the Node.js client's own
        }
        double machine =
                (after.get("machine").cpuSeconds() - before.get("machine").cpuSeconds()) / loadSeconds * 100;
        return new Run(
                label,
                load.rate(),
                seconds,
                outcome.accepted(),
                outcome.statuses(),
                outcome.p50Ms(),
                outcome.p99Ms(),
                sentDuringLoad / loadSeconds,
                sent / (loadSeconds + drained.toMillis() / 1000.0),
                cpu,
                machine);
    }

    /** What the load client saw; its CPU is -1 when it ran in this JVM (and is counted with it). */
    record ClientOutcome(
            long accepted, Map<Integer, Long> statuses, double p50Ms, double p99Ms, double clientCpuSeconds) {}

    /** The Node.js client (light) where {@code node} is installed, else this JVM's {@link OpenLoopDriver}. */
    private static ClientOutcome drive(int apiPort, Load load, int seconds) throws Exception {
        Path script =
                Path.of(System.getProperty("notifyhub.root", "..")).resolve("load-test/src/main/node/open-loop.js");
        if (nodeInstalled() && Files.exists(script)) {
            Process node = new ProcessBuilder(
                            "node",
                            script.toString(),
                            String.valueOf(apiPort),
                            DEV_KEY,
                            load.type(),
                            String.valueOf(load.rate()),
                            String.valueOf(seconds))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String line = new String(node.getInputStream().readAllBytes()).strip();
            if (!node.waitFor(seconds + 120L, TimeUnit.SECONDS) || node.exitValue() != 0) {
                throw new IllegalStateException("the load client failed: " + line);
            }
            var json = new tools.jackson.databind.json.JsonMapper().readTree(line);
            Map<Integer, Long> statuses = new java.util.TreeMap<>();
            json.get("statuses")
                    .properties()
                    .forEach(e -> statuses.put(
                            Integer.parseInt(e.getKey()), e.getValue().asLong()));
            return new ClientOutcome(
                    statuses.getOrDefault(201, 0L),
                    statuses,
                    json.get("p50").asDouble(),
                    json.get("p99").asDouble(),
                    json.get("cpuSeconds").asDouble());
        }
        OpenLoopDriver.Outcome outcome = new OpenLoopDriver(
                        apiPort, 1, DEV_KEY, "sms".equals(load.type()) ? OpenLoopDriver.SMS : OpenLoopDriver.EMAIL)
                .drive(load.rate(), seconds);
        return new ClientOutcome(
                outcome.accepted(),
                outcome.statuses(),
                outcome.latencyMicros().getValueAtPercentile(50) / 1000.0,
                outcome.latencyMicros().getValueAtPercentile(99) / 1000.0,
                -1);
    }

    private static boolean nodeInstalled() {
        try {
            return new ProcessBuilder("node", "--version").start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until the workers have been idle (nothing more sent) for 2 s; how long that took. */
    private static Duration awaitDrained(WorkerCounters counters, Duration atMost) throws InterruptedException {
        long started = System.nanoTime();
        long last = counters.read().finished();
        long stillSince = System.nanoTime();
        while (System.nanoTime() - started < atMost.toNanos()) {
            TimeUnit.MILLISECONDS.sleep(250);
            long now = counters.read().finished();
            if (now != last) {
                last = now;
                stillSince = System.nanoTime();
            } else if (System.nanoTime() - stillSince > TimeUnit.SECONDS.toNanos(2)) {
                return Duration.ofNanos(stillSince - started);
            }
        }
        return atMost;
    }

    private static void awaitReady(Process runLocal, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10); // a first start builds and makes caches
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains("notifyhub ready")) {
                return;
            }
            if (!runLocal.isAlive()) {
                throw new IllegalStateException("./run-local exited:\n" + Files.readString(log));
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException("./run-local not ready within 10 minutes:\n" + Files.readString(log));
    }

    /** run-local's services by name (local-stack, api, worker-1, worker-2), found among its child processes. */
    private static Map<String, Long> services(Process runLocal) {
        Map<String, Long> byName = new LinkedHashMap<>();
        int worker = 0;
        for (ProcessHandle child : runLocal.descendants()
                .sorted(Comparator.comparingLong(ProcessHandle::pid))
                .toList()) {
            String command = cmdline(child.pid());
            if (command.contains("local-stack")) {
                byName.put("local-stack", child.pid());
            } else if (command.contains("api-service")) {
                byName.put("api", child.pid());
            } else if (command.contains("worker-service")) {
                byName.put("worker-" + ++worker, child.pid());
            }
        }
        return byName;
    }

    private static Map<String, ProcessStats> stats(Map<String, Long> services) {
        Map<String, ProcessStats> stats = new LinkedHashMap<>();
        services.forEach((name, pid) -> stats.put(name, ProcessStats.of(pid)));
        stats.put("load client", ProcessStats.of(ProcessHandle.current().pid())); // replaced by Node's own where it ran
        rabbitMq().ifPresent(pid -> stats.put("RabbitMQ", ProcessStats.ofOther(pid)));
        stats.put("machine", ProcessStats.machine());
        return stats;
    }

    /**
     * The machine's RabbitMQ node: the Erlang VM running RabbitMQ as the rabbitmq user (the Debian service), else
     * the only one there is. Nodes that tests start for themselves run as the user who ran them.
     */
    private static Optional<Long> rabbitMq() {
        List<ProcessHandle> nodes = ProcessHandle.allProcesses()
                .filter(p -> p.info().command().orElse("").endsWith("beam.smp")
                        && cmdline(p.pid()).contains("rabbit"))
                .toList();
        List<ProcessHandle> service = nodes.stream()
                .filter(p -> "rabbitmq".equals(p.info().user().orElse("")))
                .toList();
        List<ProcessHandle> chosen = service.size() == 1 ? service : nodes;
        return chosen.size() == 1 ? Optional.of(chosen.getFirst().pid()) : Optional.empty();
    }

    private static String cmdline(long pid) {
        try {
            return Files.readString(Path.of("/proc", String.valueOf(pid), "cmdline"))
                    .replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
