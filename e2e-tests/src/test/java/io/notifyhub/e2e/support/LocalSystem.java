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
 * port, unless {@code MONGODB_URI} names a store), one API and a number of workers, on the tests' RabbitMQ.
 */
public final class LocalSystem implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(90);

    private final List<ServiceProcess> processes = new ArrayList<>();
    private final Map<String, String> extraEnv;
    private String mongoUri;
    private int apiPort;

    public LocalSystem(Map<String, String> extraEnv) {
        this.extraEnv = Map.copyOf(extraEnv);
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
        mongoUri = System.getenv("MONGODB_URI");
        if (mongoUri == null || mongoUri.isBlank()) {
            int mongoPort = freePort();
            processes.add(new ServiceProcess("local-stack", "notifyhub.jar.local-stack", Map.of(
                    "LOCAL_STACK_MONGO_PORT", String.valueOf(mongoPort),
                    "LOCAL_STACK_DATA_DIR", "memory")).start().awaitLog("local-stack ready", START));
            mongoUri = "mongodb://127.0.0.1:" + mongoPort + "/notifyhub-e2e";
        }
        List<ServiceProcess> starting = new ArrayList<>();
        apiPort = freePort();
        starting.add(service("api", "notifyhub.jar.api", Map.of("API_PORT", String.valueOf(apiPort))));
        List<Integer> workerPorts = new ArrayList<>();
        for (int i = 1; i <= workers; i++) {
            int port = freePort();
            workerPorts.add(port);
            starting.add(service("worker-" + i, "notifyhub.jar.worker",
                    Map.of("WORKER_PORT", String.valueOf(port), "NOTIFYHUB_WORKER_ID", "e2e-worker-" + i)));
        }
        starting.get(0).awaitHealthy("http://127.0.0.1:" + apiPort + "/actuator/health", START);
        for (int i = 0; i < workers; i++) {
            starting.get(i + 1).awaitHealthy("http://127.0.0.1:" + workerPorts.get(i) + "/actuator/health", START);
        }
        return this;
    }

    private ServiceProcess service(String name, String jarProperty, Map<String, String> own) {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.putAll(own);
        env.put("MONGODB_URI", mongoUri);
        env.put("RABBITMQ_ADDRESSES", TestInfrastructure.rabbitAddresses());
        ServiceProcess process = new ServiceProcess(name, jarProperty, env).start();
        processes.add(process);
        return process;
    }

    public int apiPort() {
        return apiPort;
    }

    public ServiceProcess process(String name) {
        return processes.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    public String mongoUri() {
        return mongoUri;
    }

    static int freePort() {
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
}
