package io.notifyhub.e2e.support;

import io.notifyhub.localstack.TestInfrastructure;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole system as separate processes, as {@code ./run-local} runs it: local-stack (in memory, on a free
 * port, unless {@code MONGODB_URI} names a store), one API and a number of workers, on the tests' RabbitMQ
 * (or the {@code RABBITMQ_ADDRESSES} given in the environment passed in).
 */
public final class LocalSystem implements AutoCloseable {

    public static final Duration START = Duration.ofSeconds(90);
    /** An admin API key the API registers at start-up; what the tests' clients send. */
    public static final String API_KEY = "nhk_e2etests_for-tests-only-0000000000";

    private final List<ServiceProcess> processes = new ArrayList<>();
    private final Map<String, String> env = new HashMap<>();
    private final Map<String, String> healthUrls = new HashMap<>();
    private ServiceProcess localStack;
    private boolean smtpSink;
    private int mailPort;
    private int apiPort;
    private int apiManagementPort;
    private final List<Integer> workerPorts = new ArrayList<>();

    public LocalSystem(Map<String, String> extraEnv) {
        env.put("RABBITMQ_ADDRESSES", TestInfrastructure.rabbitAddresses());
        env.put("NOTIFYHUB_API_BOOTSTRAP_KEYS", "e2e:" + API_KEY + ":admin");
        env.putAll(extraEnv);
    }

    /**
     * Email goes over SMTP to local-stack's sink, as {@code ./run-local} sends it, rather than to the simulated
     * provider; {@link #mailPort()} lists what arrived. Call before {@link #start}.
     */
    public LocalSystem withSmtpSink() {
        this.smtpSink = true;
        return this;
    }

    /** Starts everything and waits until each is healthy; on failure stops what it started. */
    public LocalSystem start(int workers) {
        try {
            return startAll(workers);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private LocalSystem startAll(int workers) {
        String mongoUri = System.getenv("MONGODB_URI");
        boolean embeddedStore = mongoUri == null || mongoUri.isBlank();
        if (embeddedStore || smtpSink) {
            int mongoPort = freePort();
            Map<String, String> own = new HashMap<>(Map.of(
                    "LOCAL_STACK_MONGO_PORT",
                    embeddedStore ? String.valueOf(mongoPort) : "off",
                    "LOCAL_STACK_DATA_DIR",
                    "memory"));
            if (smtpSink) {
                int smtpPort = freePort();
                mailPort = freePort();
                own.put("LOCAL_STACK_SMTP_PORT", String.valueOf(smtpPort));
                own.put("LOCAL_STACK_MAIL_PORT", String.valueOf(mailPort));
                env.put("SPRING_MAIL_HOST", "127.0.0.1");
                env.put("SPRING_MAIL_PORT", String.valueOf(smtpPort));
                env.put("NOTIFYHUB_WORKER_PROVIDERS_EMAIL", "smtp");
            }
            localStack = new ServiceProcess("local-stack", "notifyhub.jar.local-stack", own)
                    .start()
                    .awaitLog("local-stack ready", START);
            processes.add(localStack);
            if (embeddedStore) {
                mongoUri = "mongodb://127.0.0.1:" + mongoPort + "/notifyhub-e2e";
            }
        }
        env.put("MONGODB_URI", mongoUri);
        apiPort = freePort();
        apiManagementPort = freePort();
        List<ServiceProcess> starting = new ArrayList<>();
        starting.add(service(
                "api",
                "notifyhub.jar.api",
                Map.of("API_PORT", apiPort, "MANAGEMENT_PORT", apiManagementPort),
                apiManagementPort));
        for (int i = 1; i <= workers; i++) {
            int port = freePort();
            workerPorts.add(port);
            starting.add(service("worker-" + i, "notifyhub.jar.worker", Map.of("WORKER_PORT", port), port));
        }
        starting.forEach(this::awaitHealthy);
        return this;
    }

    private ServiceProcess service(String name, String jarProperty, Map<String, Integer> ports, int healthPort) {
        Map<String, String> own = new HashMap<>(env);
        ports.forEach((variable, port) -> own.put(variable, String.valueOf(port)));
        if (name.startsWith("worker")) {
            own.put("NOTIFYHUB_WORKER_ID", "e2e-" + name);
        }
        ServiceProcess process = new ServiceProcess(name, jarProperty, own).start();
        processes.add(process);
        healthUrls.put(name, "http://127.0.0.1:" + healthPort + "/actuator/health");
        return process;
    }

    /** Starts one more worker, with settings of its own over the shared ones, and waits until it is healthy. */
    public ServiceProcess startWorker(String name, Map<String, String> extraEnv) {
        int port = freePort();
        workerPorts.add(port);
        Map<String, String> own = new HashMap<>(env);
        own.putAll(extraEnv);
        own.put("WORKER_PORT", String.valueOf(port));
        own.put("NOTIFYHUB_WORKER_ID", "e2e-" + name);
        ServiceProcess process = new ServiceProcess(name, "notifyhub.jar.worker", own).start();
        processes.add(process);
        healthUrls.put(name, "http://127.0.0.1:" + port + "/actuator/health");
        return awaitHealthy(process);
    }

    public ServiceProcess awaitHealthy(ServiceProcess process) {
        return process.awaitHealthy(healthUrls.get(process.name()), START);
    }

    /** Waits until the process is up (its liveness probe answers 200), whether or not the broker and store are. */
    public ServiceProcess awaitLive(ServiceProcess process) {
        return process.awaitHealthy(healthUrls.get(process.name()) + "/liveness", START);
    }

    public int apiPort() {
        return apiPort;
    }

    /** Where local-stack's SMTP sink lists the mail it took ({@code GET /messages}); see {@link #withSmtpSink}. */
    public int mailPort() {
        return mailPort;
    }

    /** The settings every service of this system gets, the store's and broker's among them. */
    public Map<String, String> env() {
        return Map.copyOf(env);
    }

    /** Where the API serves health and metrics. */
    public int apiManagementPort() {
        return apiManagementPort;
    }

    /** Where each worker serves health and metrics, in order. */
    public List<Integer> workerPorts() {
        return List.copyOf(workerPorts);
    }

    public String mongoUri() {
        return env.get("MONGODB_URI");
    }

    public ServiceProcess process(String name) {
        return processes.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    public List<ServiceProcess> workers() {
        return processes.stream().filter(p -> p.name().startsWith("worker")).toList();
    }

    /** The embedded store's process, or null when the tests use a store of their own. */
    public ServiceProcess localStack() {
        return localStack;
    }

    /** A port nothing listens on right now, on loopback. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        processes.reversed().forEach(ServiceProcess::close);
    }

    /** Stops every process with SIGTERM, the last started first, so each shuts down as it would in production. */
    public void terminate(Duration timeout) {
        processes.reversed().stream().filter(ServiceProcess::isAlive).forEach(process -> process.terminate(timeout));
    }
}
