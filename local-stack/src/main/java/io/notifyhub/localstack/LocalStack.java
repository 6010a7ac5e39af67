package io.notifyhub.localstack;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The local stand-in for MongoDB, run by {@code ./run-local} and the process tests: a persistent
 * MongoDB-wire store on 127.0.0.1, and, when asked for, an SMTP sink ({@link SmtpSink}).
 *
 * <p>Settings (environment): {@code LOCAL_STACK_MONGO_PORT} (27017; {@code off}: no store), {@code LOCAL_STACK_DATA_DIR}
 * ({@code ./data}; {@code memory} keeps nothing), {@code LOCAL_STACK_SMTP_PORT} (no SMTP sink unless set),
 * {@code LOCAL_STACK_MAIL_PORT} (the sink's listing endpoint, 8025), {@code LOCAL_STACK_TTL_INTERVAL} (how often TTL
 * indexes expire documents; 60 s, as MongoDB).
 */
public final class LocalStack {

    private LocalStack() {
    }

    public static void main(String[] args) throws Exception {
        String mongoPort = env("LOCAL_STACK_MONGO_PORT", "27017");
        String dataDir = env("LOCAL_STACK_DATA_DIR", "data");
        // "off": a real MongoDB is in use, and local-stack serves only the SMTP sink
        EmbeddedMongo mongo = "off".equals(mongoPort) ? null : "memory".equals(dataDir)
                ? EmbeddedMongo.inMemory("127.0.0.1", Integer.parseInt(mongoPort))
                : EmbeddedMongo.persistent(Path.of(dataDir, "mongo.mv"), "127.0.0.1", Integer.parseInt(mongoPort));
        String smtpPort = env("LOCAL_STACK_SMTP_PORT", "");
        SmtpSink mail = smtpPort.isEmpty() ? null
                : SmtpSink.start(Integer.parseInt(smtpPort), Integer.parseInt(env("LOCAL_STACK_MAIL_PORT", "8025")));
        if (mail != null) {
            System.out.println("local-stack: SMTP sink on 127.0.0.1:" + mail.smtpPort()
                    + "; what arrived: curl -s http://127.0.0.1:" + mail.httpPort() + "/messages");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (mail != null) {
                mail.close();
            }
            if (mongo != null) {
                mongo.close();
            }
            stopped.countDown();
        }, "local-stack-shutdown"));
        System.out.println(mongo == null ? "local-stack ready (no MongoDB-wire store)"
                : "local-stack ready: MONGODB_URI=" + mongo.uri("notifyhub") + ("memory".equals(dataDir)
                        ? " (in memory)" : " (data in " + Path.of(dataDir).toAbsolutePath() + ")"));
        System.out.flush();
        stopped.await();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
