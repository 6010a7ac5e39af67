package io.notifyhub.localstack;

import io.notifyhub.localstack.InfrastructureChoice.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where integration tests find MongoDB and RabbitMQ, in this order:
 * <ol>
 *   <li>the environment: {@code MONGODB_URI}, {@code RABBITMQ_ADDRESSES};</li>
 *   <li>with a Docker engine: Testcontainers ({@code mongo:8} as a replica set, {@code rabbitmq:4-management});</li>
 *   <li>otherwise the embedded MongoDB-wire store in this JVM and RabbitMQ on 127.0.0.1:5672.</li>
 * </ol>
 * Each server is started once per JVM and shared by the tests in it; the choice and its reason are logged once.
 */
public final class TestInfrastructure {

    private static final Logger log = LoggerFactory.getLogger(TestInfrastructure.class);

    private static String mongoUri;
    private static String rabbitAddresses;

    private TestInfrastructure() {}

    public static synchronized String mongoUri() {
        if (mongoUri == null) {
            InfrastructureChoice choice = mongoChoice();
            mongoUri = switch (choice.source()) {
                case ENVIRONMENT -> InfrastructureChoice.env("MONGODB_URI").orElseThrow();
                case TESTCONTAINERS -> Containers.mongo();
                case LOCAL_FALLBACK -> EmbeddedMongoHolder.INSTANCE.uri("notifyhub-test");
            };
            log.info(
                    "Test MongoDB: {} at {} ({})",
                    describe(choice.source(), Containers.MONGO_IMAGE, "embedded MongoDB-wire store"),
                    redact(mongoUri),
                    choice.reason());
        }
        return mongoUri;
    }

    public static synchronized String rabbitAddresses() {
        if (rabbitAddresses == null) {
            InfrastructureChoice choice = rabbitChoice();
            rabbitAddresses = switch (choice.source()) {
                case ENVIRONMENT ->
                    InfrastructureChoice.env("RABBITMQ_ADDRESSES").orElseThrow();
                case TESTCONTAINERS -> Containers.rabbit();
                case LOCAL_FALLBACK -> "127.0.0.1:5672";
            };
            log.info(
                    "Test RabbitMQ: {} at {} ({})",
                    describe(choice.source(), Containers.RABBIT_IMAGE, "the local broker"),
                    rabbitAddresses,
                    choice.reason());
        }
        return rabbitAddresses;
    }

    /** Which MongoDB the tests of this JVM use and why (decided without starting anything). */
    public static InfrastructureChoice mongoChoice() {
        return InfrastructureChoice.decide(
                "MONGODB_URI", InfrastructureChoice.env("MONGODB_URI").orElse(null), Containers::probe);
    }

    /** Which RabbitMQ the tests of this JVM use and why (decided without starting anything). */
    public static InfrastructureChoice rabbitChoice() {
        return InfrastructureChoice.decide(
                "RABBITMQ_ADDRESSES",
                InfrastructureChoice.env("RABBITMQ_ADDRESSES").orElse(null),
                Containers::probe);
    }

    /** Where the tests' MongoDB runs, for messages. */
    public static String describe() {
        return "MongoDB " + mongoUri() + ", RabbitMQ " + rabbitAddresses();
    }

    private static String describe(Source source, String image, String fallback) {
        return switch (source) {
            case ENVIRONMENT -> "from the environment";
            case TESTCONTAINERS -> "Testcontainers " + image;
            case LOCAL_FALLBACK -> fallback;
        };
    }

    /** A URI from the environment may carry a password. */
    private static String redact(String uri) {
        return uri.replaceAll("://[^@/]*@", "://***@");
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
