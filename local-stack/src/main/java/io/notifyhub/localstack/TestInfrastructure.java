package io.notifyhub.localstack;

import java.util.Optional;

/**
 * Where integration tests find MongoDB and RabbitMQ, in this order:
 * <ol>
 *   <li>the environment: {@code MONGODB_URI}, {@code RABBITMQ_ADDRESSES};</li>
 *   <li>with a Docker engine: Testcontainers ({@code mongo:8} as a replica set, {@code rabbitmq:4-management});</li>
 *   <li>otherwise the embedded MongoDB-wire store in this JVM and RabbitMQ on 127.0.0.1:5672.</li>
 * </ol>
 * Each server is started once per JVM and shared by the tests in it.
 */
public final class TestInfrastructure {

    private static String mongoUri;
    private static String rabbitAddresses;

    private TestInfrastructure() {}

    public static synchronized String mongoUri() {
        if (mongoUri == null) {
            mongoUri = env("MONGODB_URI")
                    .orElseGet(() -> Containers.dockerAvailable()
                            ? Containers.mongo()
                            : EmbeddedMongoHolder.INSTANCE.uri("notifyhub-test"));
        }
        return mongoUri;
    }

    public static synchronized String rabbitAddresses() {
        if (rabbitAddresses == null) {
            rabbitAddresses = env("RABBITMQ_ADDRESSES")
                    .orElseGet(() -> Containers.dockerAvailable() ? Containers.rabbit() : "127.0.0.1:5672");
        }
        return rabbitAddresses;
    }

    /** Where the tests' MongoDB runs, for messages. */
    public static String describe() {
        return "MongoDB " + mongoUri() + ", RabbitMQ " + rabbitAddresses();
    }

    private static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isBlank());
    }

    private static final class EmbeddedMongoHolder {
        static final EmbeddedMongo INSTANCE = start();

        private static EmbeddedMongo start() {
            EmbeddedMongo mongo = EmbeddedMongo.inMemory();
            Runtime.getRuntime().addShutdownHook(new Thread(mongo::close));
            return mongo;
        }
    }
}
