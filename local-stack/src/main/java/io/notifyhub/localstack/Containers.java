package io.notifyhub.localstack;

import io.notifyhub.localstack.InfrastructureChoice.DockerProbe;

/**
 * Testcontainers, used only when a Docker engine answers. Containers live as long as the JVM (Ryuk reaps them).
 * Testcontainers is an optional dependency of this module: the test modules declare it in test scope, and the
 * probe says so when it is missing instead of passing that off as "no Docker".
 */
final class Containers {

    static final String MONGO_IMAGE = "mongo:8";
    static final String RABBIT_IMAGE = "rabbitmq:4-management";

    private static DockerProbe docker;

    private Containers() {}

    static synchronized DockerProbe probe() {
        if (docker == null) {
            docker = probeNow();
        }
        return docker;
    }

    private static DockerProbe probeNow() {
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false, Containers.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return new DockerProbe(false, "Testcontainers is not on the classpath (declare it in test scope)");
        }
        try {
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable()
                    ? new DockerProbe(true, "a Docker engine answered")
                    : new DockerProbe(false, "no Docker engine answered");
        } catch (RuntimeException | LinkageError e) {
            return new DockerProbe(false, "the Docker probe failed: " + e);
        }
    }

    @SuppressWarnings("resource")
    static String mongo() {
        var mongo = new org.testcontainers.mongodb.MongoDBContainer(MONGO_IMAGE);
        mongo.start();
        return mongo.getReplicaSetUrl("notifyhub-test");
    }

    @SuppressWarnings("resource")
    static String rabbit() {
        var rabbit = new org.testcontainers.rabbitmq.RabbitMQContainer(RABBIT_IMAGE);
        rabbit.start();
        return rabbit.getHost() + ":" + rabbit.getAmqpPort();
    }
}
