package io.notifyhub.e2e.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A RabbitMQ node of its own for fault tests: started, stopped, started again and killed with {@code kill -9}
 * while the machine's default broker ({@code rabbit@localhost} on 5672) keeps running untouched.
 *
 * <p>Everything the node owns is under the work dir: its data (mnesia), logs, pid file, config, an empty
 * plugin list and an Erlang cookie of its own (in {@code <workDir>/home}, which is the {@code HOME} of both
 * the node and the {@code rabbitmqctl} calls, so neither reads nor writes the default node's or root's cookie).
 * The node listens on 127.0.0.1 only: AMQP on the given port, Erlang distribution on port + 20000 (or another
 * free port, see the constructors).
 *
 * <p>The node runs in the foreground as a child of the test JVM. With {@code RABBITMQ_ALLOW_INPUT} set the
 * {@code rabbitmq-server} script does not keep a signal-forwarding shell around but {@code exec}s {@code erl},
 * which {@code exec}s {@code beam.smp}: the child process <em>is</em> the node's Erlang VM, so {@link #kill()}
 * is a SIGKILL to exactly that VM (checked against the pid file the node writes, and its command line).
 * {@code -noinput} is passed explicitly, so the VM still starts no Erlang shell.
 *
 * <p>The work dir is deleted on construction, so each run starts empty; within a run the data survives
 * {@link #stop}/{@link #start} and {@link #kill}/{@link #start}. A node a crashed earlier run left behind (found
 * through the pid file in the work dir) is killed on construction. {@link #close()} and a shutdown hook make
 * sure the node never outlives the test JVM.
 */
public final class RabbitNode implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final String MARKER = ".notifyhub-rabbit-node";
    private static final Duration CTL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(15);

    private final String nodeName;
    private final int amqpPort;
    private final int distPort;
    private final Path workDir;
    private final Path home;
    private final Path pidFile;
    private final Path consoleLog;
    private final Path ctlLog;
    private final Path binDir;
    private final Map<String, String> env;
    private final Thread shutdownHook;

    private volatile Process process;
    private volatile ProcessHandle vm;
    private boolean closed;

    /** The {@code rabbitmq-server} and {@code rabbitmqctl} scripts (and {@code erl}) are installed. */
    public static boolean available() {
        return binDir().isPresent() && onPath("erl").isPresent();
    }

    /**
     * A node named {@code <name>-<amqpPort>@localhost}; nothing is started yet, but {@code workDir} is
     * emptied (it must be a dir this class created before, or absent, or empty). Its Erlang distribution port
     * is {@code amqpPort + 20000}, or, where that is past 65535 (a port from {@code new ServerSocket(0)}), a
     * free port picked now and kept for every start.
     */
    public RabbitNode(String name, int amqpPort, Path workDir) {
        this(name, amqpPort, amqpPort + 20000 <= 65535 ? amqpPort + 20000 : freePort(), workDir);
    }

    /** As {@link #RabbitNode(String, int, Path)}, with the Erlang distribution port given. */
    public RabbitNode(String name, int amqpPort, int distPort, Path workDir) {
        if (amqpPort < 1 || amqpPort > 65535 || distPort < 1 || distPort > 65535 || distPort == amqpPort) {
            throw new IllegalArgumentException("bad ports: AMQP " + amqpPort + ", distribution " + distPort);
        }
        this.binDir = binDir().orElseThrow(
                        () -> new IllegalStateException(
                                "RabbitMQ is not installed (no rabbitmq-server/rabbitmqctl found); check RabbitNode.available() first"));
        this.nodeName = name + "-" + amqpPort + "@localhost";
        this.amqpPort = amqpPort;
        this.distPort = distPort;
        this.workDir = workDir.toAbsolutePath().normalize();
        this.home = this.workDir.resolve("home");
        this.pidFile = this.workDir.resolve("pid");
        this.consoleLog = this.workDir.resolve("log").resolve("console.log");
        this.ctlLog = this.workDir.resolve("log").resolve("rabbitmqctl.log");
        killLeftover();
        prepareWorkDir();
        this.env = environment();
        this.shutdownHook = new Thread(this::killQuietly, "rabbit-node-" + nodeName + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Makes this node a member of a cluster (before its first start): the Erlang cookie all members share,
     * and the members' node names for RabbitMQ's classic-config peer discovery, so a node started after a
     * running member joins it by itself.
     */
    public synchronized RabbitNode clusterWith(String cookie, List<String> members) {
        if (isRunning()) {
            throw new IllegalStateException(nodeName + " is running; join a cluster before starting it");
        }
        try {
            Path cookieFile = home.resolve(".erlang.cookie");
            Files.setPosixFilePermissions(cookieFile, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(cookieFile, cookie);
            Files.setPosixFilePermissions(cookieFile, PosixFilePermissions.fromString("r--------"));
            StringBuilder conf = new StringBuilder("cluster_formation.peer_discovery_backend = classic_config\n");
            for (int i = 0; i < members.size(); i++) {
                conf.append("cluster_formation.classic_config.nodes.")
                        .append(i + 1)
                        .append(" = ")
                        .append(members.get(i))
                        .append('\n');
            }
            Files.writeString(workDir.resolve("rabbitmq.conf"), conf, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot configure " + nodeName + " for a cluster", e);
        }
        return this;
    }

    /** Enables the {@code rabbitmq_prometheus} plugin (before the first start), serving metrics on 127.0.0.1:port. */
    public synchronized RabbitNode withPrometheus(int port) {
        try {
            Files.writeString(workDir.resolve("enabled_plugins"), "[rabbitmq_prometheus].\n");
            Files.writeString(
                    workDir.resolve("rabbitmq.conf"),
                    "prometheus.tcp.port = " + port + "\n" + "prometheus.tcp.ip = " + HOST + "\n",
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot enable the prometheus plugin on " + nodeName, e);
        }
        return this;
    }

    /** A random Erlang cookie, for {@link #clusterWith}. */
    public static String newCookie() {
        return randomCookie();
    }

    /**
     * Starts the node and waits until AMQP accepts connections on 127.0.0.1; fails with the tail of the
     * node's log otherwise.
     */
    public synchronized RabbitNode start(Duration timeout) {
        if (closed) {
            throw new IllegalStateException(nodeName + " is closed");
        }
        if (isRunning()) {
            throw new IllegalStateException(nodeName + " is already running (pid " + vm.pid() + ")");
        }
        if (portOpen(amqpPort)) {
            throw new IllegalStateException(
                    "port " + amqpPort + " is already in use by another process; " + nodeName + " cannot listen on it");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            Files.deleteIfExists(pidFile);
            Files.writeString(
                    consoleLog,
                    "==== start " + Instant.now() + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(
                            binDir.resolve("rabbitmq-server").toString())
                    .directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(consoleLog.toFile()));
            builder.environment().clear();
            builder.environment().putAll(env);
            process = builder.start();
            vm = process.toHandle();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + nodeName, e);
        }
        try {
            while (!portOpen(amqpPort)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(
                            nodeName + " exited with " + process.exitValue() + " while starting\n" + tail());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            nodeName + " did not open port " + amqpPort + " within " + timeout + "\n" + tail());
                }
                sleep(100);
            }
            // the AMQP listener opens as the last boot step; no rabbitmqctl here, whose start-up alone takes
            // many seconds on a loaded two-core machine
            vm = verifiedVm();
            return this;
        } catch (RuntimeException e) {
            killQuietly();
            throw e;
        }
    }

    /**
     * Graceful stop: SIGTERM, on which the Erlang VM runs RabbitMQ's orderly shutdown (as
     * {@code rabbitmqctl stop} does, without that CLI's slow start); waits until the VM has exited and the
     * port is closed.
     */
    public synchronized void stop(Duration timeout) {
        if (!isRunning()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ProcessHandle> children = vm.descendants().toList();
        vm.destroy();
        if (!awaitExit(vm, remaining(deadline))) {
            throw new IllegalStateException(
                    nodeName + " (pid " + vm.pid() + ") still running " + timeout + " after SIGTERM\n" + tail());
        }
        reap(children);
        if (!awaitPortClosed(remaining(deadline))) {
            throw new IllegalStateException("port " + amqpPort + " still open after " + nodeName + " stopped");
        }
    }

    /** {@code kill -9} of this node's Erlang VM, and nothing else; waits until it is gone and the port is closed. */
    public synchronized void kill() {
        if (!isRunning()) {
            return;
        }
        List<ProcessHandle> children = vm.descendants().toList();
        vm.destroyForcibly();
        if (!awaitExit(vm, EXIT_TIMEOUT)) {
            throw new IllegalStateException(nodeName + " (pid " + vm.pid() + ") survived SIGKILL for " + EXIT_TIMEOUT);
        }
        reap(children);
        if (!awaitPortClosed(EXIT_TIMEOUT)) {
            throw new IllegalStateException("port " + amqpPort + " still open after " + nodeName + " was killed");
        }
    }

    /** Runs {@code rabbitmqctl -n <this node> args...}; returns its exit code and output. */
    public CtlResult ctl(Duration timeout, String... args) {
        List<String> command =
                new ArrayList<>(List.of(binDir.resolve("rabbitmqctl").toString(), "-n", nodeName));
        command.addAll(List.of(args));
        Path out = null;
        try {
            out = Files.createTempFile(workDir, "rabbitmqctl-", ".out");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            builder.environment().clear();
            builder.environment().putAll(env);
            Process cli = builder.start();
            int exitCode;
            if (cli.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                exitCode = cli.exitValue();
            } else {
                cli.descendants().forEach(ProcessHandle::destroyForcibly);
                cli.destroyForcibly();
                cli.waitFor(5, TimeUnit.SECONDS);
                exitCode = -1;
            }
            String output = Files.readString(out, StandardCharsets.UTF_8).strip();
            Files.writeString(
                    ctlLog,
                    "$ " + String.join(" ", args) + " -> " + exitCode + "\n" + output + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            return new CtlResult(exitCode, exitCode == -1 ? "timed out after " + timeout + "\n" + output : output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run rabbitmqctl " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // the work dir is emptied on the next run anyway
                }
            }
        }
    }

    /** {@code "127.0.0.1:<port>"}, for {@code RABBITMQ_ADDRESSES} / {@code spring.rabbitmq.addresses}. */
    public String addresses() {
        return HOST + ":" + amqpPort;
    }

    public String host() {
        return HOST;
    }

    public int amqpPort() {
        return amqpPort;
    }

    public String nodeName() {
        return nodeName;
    }

    public Path workDir() {
        return workDir;
    }

    /** The OS pid of the node's Erlang VM while it runs (changes with every start). */
    public synchronized long pid() {
        if (!isRunning()) {
            throw new IllegalStateException(nodeName + " is not running");
        }
        return vm.pid();
    }

    public synchronized boolean isRunning() {
        return vm != null && vm.isAlive();
    }

    /** The last lines of the node's log (its console output and then its log file). */
    public String tail() {
        StringBuilder text = new StringBuilder();
        for (Path log : List.of(consoleLog, workDir.resolve("log").resolve(nodeName + ".log"))) {
            try {
                if (Files.exists(log)) {
                    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                    text.append("---- ")
                            .append(log)
                            .append('\n')
                            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())))
                            .append('\n');
                }
            } catch (IOException | UncheckedIOException e) {
                text.append("(cannot read ")
                        .append(log)
                        .append(": ")
                        .append(e.getMessage())
                        .append(")\n");
            }
        }
        return text.toString();
    }

    /** Stops the node if it runs (kills it if the graceful stop fails); idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (isRunning()) {
                try {
                    stop(Duration.ofSeconds(30));
                } catch (RuntimeException e) {
                    kill();
                }
            }
        } finally {
            killQuietly();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs (or ran) anyway
            }
        }
    }

    @Override
    public String toString() {
        return "RabbitNode[" + nodeName + " amqp=" + addresses() + " dist=" + distPort + " dir=" + workDir + "]";
    }

    /** The result of a {@code rabbitmqctl} call; exit code -1 if it timed out. */
    public record CtlResult(int exitCode, String output) {}

    // ---- internals

    /** The VM the pid file names must be our child itself (or, with another launcher, one of its descendants). */
    private ProcessHandle verifiedVm() {
        long pid;
        try {
            pid = Long.parseLong(
                    Files.readString(pidFile, StandardCharsets.UTF_8).strip());
        } catch (IOException | NumberFormatException e) {
            CtlResult eval = ctl(CTL_TIMEOUT, "eval", "list_to_integer(os:getpid()).");
            if (eval.exitCode != 0) {
                throw new IllegalStateException("cannot find the OS pid of " + nodeName + ": " + eval.output);
            }
            pid = Long.parseLong(eval.output.strip());
        }
        ProcessHandle candidate = ProcessHandle.of(pid)
                .orElseThrow(() ->
                        new IllegalStateException(nodeName + " wrote pid file " + pidFile + " for a dead process"));
        boolean ours =
                candidate.equals(process.toHandle()) || process.descendants().anyMatch(candidate::equals);
        if (!ours || !isOurVm(candidate)) {
            throw new IllegalStateException("pid " + pid + " from " + pidFile + " is not the beam.smp started for "
                    + nodeName + " (started pid " + process.pid() + ": " + candidate.info() + ")");
        }
        return candidate;
    }

    /** A beam.smp whose command line names this work dir's home (erl passes {@code -home $HOME}). */
    private boolean isOurVm(ProcessHandle handle) {
        ProcessHandle.Info info = handle.info();
        boolean beam = info.command().map(c -> c.endsWith("beam.smp")).orElse(false);
        String line = info.arguments()
                .map(a -> String.join(" ", a))
                .orElse(info.commandLine().orElse(""));
        return beam && line.contains("-home " + home);
    }

    /** A node an earlier, crashed run left behind in this work dir. */
    private void killLeftover() {
        try {
            if (!Files.isRegularFile(pidFile)) {
                return;
            }
            long pid = Long.parseLong(
                    Files.readString(pidFile, StandardCharsets.UTF_8).strip());
            ProcessHandle.of(pid).filter(this::isOurVm).ifPresent(leftover -> {
                List<ProcessHandle> children = leftover.descendants().toList();
                leftover.destroyForcibly();
                awaitExit(leftover, EXIT_TIMEOUT);
                reap(children);
            });
        } catch (IOException | NumberFormatException e) {
            // no usable pid file: nothing of ours to kill
        }
    }

    private void prepareWorkDir() {
        try {
            if (Files.isDirectory(workDir)) {
                boolean empty;
                try (Stream<Path> entries = Files.list(workDir)) {
                    empty = entries.findAny().isEmpty();
                }
                if (!empty && !Files.exists(workDir.resolve(MARKER))) {
                    throw new IllegalStateException("refusing to delete " + workDir
                            + ": not empty and not a RabbitNode work dir (no " + MARKER + ")");
                }
                try (Stream<Path> tree = Files.walk(workDir)) {
                    for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(path);
                    }
                }
            }
            Files.createDirectories(workDir.resolve("log"));
            Files.createDirectories(workDir.resolve("mnesia"));
            Files.createDirectories(home);
            Files.writeString(workDir.resolve(MARKER), nodeName + "\n");
            // a cookie of its own: the node and rabbitmqctl both read $HOME/.erlang.cookie, which must be private
            Path cookie = home.resolve(".erlang.cookie");
            Files.writeString(cookie, randomCookie());
            Files.setPosixFilePermissions(cookie, PosixFilePermissions.fromString("r--------"));
            Files.writeString(workDir.resolve("enabled_plugins"), "[].\n");
            // read instead of /etc/rabbitmq/rabbitmq-env.conf, which configures the default node
            Files.writeString(
                    workDir.resolve("rabbitmq-env.conf"),
                    "# " + nodeName + ": all settings come from the environment\n");
            Files.writeString(
                    workDir.resolve("rabbitmq.conf"),
                    String.join(
                            "\n",
                            "listeners.tcp.1 = " + HOST + ":" + amqpPort,
                            "loopback_users.guest = true",
                            "log.file.level = info",
                            ""));
            Files.writeString(workDir.resolve("advanced.config"), "[].\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + workDir, e);
        }
    }

    private Map<String, String> environment() {
        Map<String, String> vars = new LinkedHashMap<>();
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        vars.put("PATH", (path.isEmpty() ? "" : path + ":") + "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
        vars.put("HOME", home.toString());
        vars.put("LANG", "C.UTF-8");
        vars.put("LC_ALL", "C.UTF-8");
        // only matters if no epmd runs yet: then the one our node starts listens on loopback, like the default's
        vars.put("ERL_EPMD_ADDRESS", HOST);
        vars.put("RABBITMQ_CONF_ENV_FILE", workDir.resolve("rabbitmq-env.conf").toString());
        vars.put("RABBITMQ_NODENAME", nodeName);
        vars.put("RABBITMQ_USE_LONGNAME", "false");
        vars.put("RABBITMQ_DIST_PORT", String.valueOf(distPort));
        vars.put("RABBITMQ_MNESIA_BASE", workDir.resolve("mnesia").toString());
        vars.put("RABBITMQ_LOG_BASE", workDir.resolve("log").toString());
        vars.put("RABBITMQ_PID_FILE", pidFile.toString());
        vars.put(
                "RABBITMQ_ENABLED_PLUGINS_FILE",
                workDir.resolve("enabled_plugins").toString());
        vars.put("RABBITMQ_CONFIG_FILE", workDir.resolve("rabbitmq.conf").toString());
        vars.put(
                "RABBITMQ_ADVANCED_CONFIG_FILE",
                workDir.resolve("advanced.config").toString());
        // exec erl directly (no signal-forwarding shell in between), but still without an Erlang shell
        vars.put("RABBITMQ_ALLOW_INPUT", "true");
        vars.put("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-noinput -kernel inet_dist_use_interface {127,0,0,1}");
        return Map.copyOf(vars);
    }

    /** SIGKILL to the VM and to the process we started (the same one, unless a launcher stayed in between). */
    private void killQuietly() {
        Process started = process;
        for (ProcessHandle target : new ProcessHandle[] {vm, started == null ? null : started.toHandle()}) {
            try {
                if (target != null && target.isAlive()) {
                    List<ProcessHandle> children = target.descendants().toList();
                    target.destroyForcibly();
                    awaitExit(target, EXIT_TIMEOUT);
                    reap(children);
                }
            } catch (RuntimeException ignored) {
                // best effort: we are cleaning up
            }
        }
    }

    /** The VM's helpers (erl_child_setup, inet_gethost, the disk monitor's sh) exit with it; make sure they do. */
    private static void reap(List<ProcessHandle> children) {
        Set<ProcessHandle> left = new LinkedHashSet<>(children);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            left.removeIf(child -> !child.isAlive());
            if (left.isEmpty()) {
                return;
            }
            sleep(50);
        }
        left.forEach(ProcessHandle::destroyForcibly);
    }

    private static boolean awaitExit(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return !handle.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        }
    }

    private boolean awaitPortClosed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (portOpen(amqpPort)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(50);
        }
        return true;
    }

    /** Whether something accepts TCP connections on 127.0.0.1:port. */
    public static boolean portOpen(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the Erlang distribution", e);
        }
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), deadline - System.nanoTime()));
    }

    private static String randomCookie() {
        SecureRandom random = new SecureRandom();
        StringBuilder cookie = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            cookie.append((char) ('A' + random.nextInt(26)));
        }
        return cookie.toString();
    }

    /** Where the real scripts are: not Debian's /usr/sbin wrapper, which would {@code su} to the rabbitmq user. */
    private static Optional<Path> binDir() {
        if (System.getProperty("os.name", "").toLowerCase().startsWith("windows")) {
            return Optional.empty();
        }
        List<Path> candidates = new ArrayList<>();
        Stream.of(System.getProperty("notifyhub.rabbitmq.bin"), System.getenv("NOTIFYHUB_RABBITMQ_BIN"))
                .filter(dir -> dir != null && !dir.isBlank())
                .map(Path::of)
                .forEach(candidates::add);
        candidates.add(Path.of("/usr/lib/rabbitmq/bin"));
        for (String dir : pathDirs()) {
            Path server = Path.of(dir, "rabbitmq-server");
            if (Files.isExecutable(server)) {
                try {
                    candidates.add(server.toRealPath().getParent());
                } catch (IOException ignored) {
                    // broken link
                }
            }
        }
        return candidates.stream()
                .filter(dir -> Files.isExecutable(dir.resolve("rabbitmq-server"))
                        && Files.isExecutable(dir.resolve("rabbitmqctl"))
                        && Files.isRegularFile(dir.resolve("rabbitmq-env")))
                .findFirst();
    }

    private static Optional<Path> onPath(String program) {
        return pathDirs().stream()
                .map(dir -> Path.of(dir, program))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static List<String> pathDirs() {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(List.of("/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/sbin", "/sbin"));
        return dirs.stream().filter(dir -> !dir.isBlank()).distinct().toList();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
