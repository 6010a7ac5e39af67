package io.notifyhub.localstack;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.mongodb.MongoDBContainer;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/** Testcontainers, used only when a Docker engine answers. Containers live as long as the JVM (Ryuk reaps them). */
final class Containers {

    private static Boolean docker;

    private Containers() {}

    static synchronized boolean dockerAvailable() {
        if (docker == null) {
            try {
                docker = DockerClientFactory.instance().isDockerAvailable();
            } catch (Throwable noTestcontainersOrNoDocker) {
                docker = false;
            }
        }
        return docker;
    }

    @SuppressWarnings("resource")
    static String mongo() {
        MongoDBContainer mongo = new MongoDBContainer("mongo:8");
        mongo.start();
        return mongo.getReplicaSetUrl("notifyhub-test");
    }

    @SuppressWarnings("resource")
    static String rabbit() {
        RabbitMQContainer rabbit = new RabbitMQContainer("rabbitmq:4-management");
        rabbit.start();
        return rabbit.getHost() + ":" + rabbit.getAmqpPort();
    }
}
