package io.notifyhub.e2e.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One service of the system running as its own OS process from its executable jar, with its log in a file. */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Path jar;
    private final Map<String, String> env;
    private final Path log;
    private Process process;
    private int starts;
    private String cpus;

    /** The system property with the services' JVM options (space-separated). */
    public static final String JVM_ARGS = "notifyhub.service.jvm-args";
    /** For tests: a small heap, and C1 only, which starts fast; benchmarks want full speed instead. */
    static final String TEST_JVM_ARGS = "-Xmx256m -XX:TieredStopAtLevel=1";

    public ServiceProcess(String name, String jarProperty, Map<String, String> env) {
        this.name = name;
        this.jar = Path.of(System.getProperty(jarProperty, "missing system property " + jarProperty));
        this.env = Map.copyOf(env);
        this.log =
                Path.of(System.getProperty("notifyhub.logs", "target/e2e-logs")).resolve(name + ".log");
    }

    /**
     * Confines the process to these CPUs (as {@code taskset -c} takes them, e.g. {@code 0} or {@code 0,1}): the
     * JVM then sees as many processors as there are. Without {@code taskset}, the JVM is told the count
     * ({@code -XX:ActiveProcessorCount}) and the operating system may still use every CPU.
     */
    public ServiceProcess onCpus(String cpus) {
        this.cpus = cpus;
        return this;
    }

    /** Whether {@link #onCpus} really confines a process here (taskset is installed). */
    public static boolean canConfine() {
        return Files.isExecutable(Path.of("/usr/bin/taskset"));
    }

    public ServiceProcess start() {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; build it first (./mvnw verify builds it)");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>();
        if (cpus != null && canConfine()) {
            command.addAll(List.of("/usr/bin/taskset", "-c", cpus));
        }
        command.addAll(List.of(java, "-XX:+ExitOnOutOfMemoryError"));
        if (cpus != null && !canConfine()) {
            command.add("-XX:ActiveProcessorCount=" + cpus.split(",").length);
        }
        command.addAll(
                List.of(System.getProperty(JVM_ARGS, TEST_JVM_ARGS).trim().split("\\s+")));
        command.addAll(List.of("-jar", jar.toString()));
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(
                            starts++ == 0
                                    ? ProcessBuilder.Redirect.to(log.toFile())
                                    : ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            process = builder.start();
            // a test JVM that dies leaves no service behind
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name, e);
        }
        return this;
    }

    /** Waits until {@code url} answers 200, or fails with the tail of the log. */
    public ServiceProcess awaitHealthy(String url, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "\n" + tail());
            }
            try {
                HttpResponse<Void> response = HTTP.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(Duration.ofMillis(250));
        }
        throw new IllegalStateException(name + " not healthy at " + url + " within " + timeout + "\n" + tail());
    }

    /** Waits until the log contains {@code line}. */
    public ServiceProcess awaitLog(String line, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (tail().contains(line)) {
                return this;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "\n" + tail());
            }
            sleep(Duration.ofMillis(100));
        }
        throw new IllegalStateException(name + " did not log '" + line + "' within " + timeout + "\n" + tail());
    }

    /** SIGTERM, then waits for the exit; returns the exit code. */
    public int terminate(Duration timeout) {
        process.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " did not exit within " + timeout + " of SIGTERM\n" + tail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }

    /** SIGKILL. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGSTOP: the process stays, its sockets stay open, and it answers nothing, like a hung or cut-off host. */
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        try {
            int exit = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid()))
                    .start()
                    .waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " exited with " + exit);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public String name() {
        return name;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public String tail() {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            kill();
        }
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
