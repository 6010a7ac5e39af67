package io.notifyhub.localstack;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The local stand-in for MongoDB, run by {@code ./run-local} and the process tests: a persistent
 * MongoDB-wire store on 127.0.0.1, and, when asked for, an SMTP sink ({@link SmtpSink}).
 *
 * <p>Settings (environment): {@code LOCAL_STACK_MONGO_PORT} (27017; {@code off}: no store), {@code LOCAL_STACK_DATA_DIR}
 * ({@code ./data}; {@code memory} keeps nothing), {@code LOCAL_STACK_SMTP_PORT} (no SMTP sink unless set),
 * {@code LOCAL_STACK_MAIL_PORT} (the sink's listing endpoint, 8025), {@code LOCAL_STACK_MAIL_KEEP} (the sink keeps the
 * mail of this many recipients, the latest; 5000), {@code LOCAL_STACK_TTL_INTERVAL} (how often TTL indexes expire
 * documents; 60 s, as MongoDB).
 */
public final class LocalStack {

    private LocalStack() {}

    public static void main(String[] args) throws Exception {
        String mongoPort = env("LOCAL_STACK_MONGO_PORT", "27017");
        String dataDir = env("LOCAL_STACK_DATA_DIR", "data");
        // "off": a real MongoDB is in use, and local-stack serves only the SMTP sink
        EmbeddedMongo mongo = "off".equals(mongoPort)
                ? null
                : "memory".equals(dataDir)
                        ? EmbeddedMongo.inMemory("127.0.0.1", Integer.parseInt(mongoPort))
                        : EmbeddedMongo.persistent(
                                Path.of(dataDir, "mongo.mv"),
                                "127.0.0.1",
                                Integer.parseInt(mongoPort),
                                LocalStack::storeFailed);
        String smtpPort = env("LOCAL_STACK_SMTP_PORT", "");
        SmtpSink mail = smtpPort.isEmpty()
                ? null
                : SmtpSink.start(
                        Integer.parseInt(smtpPort),
                        Integer.parseInt(env("LOCAL_STACK_MAIL_PORT", "8025")),
                        Integer.parseInt(env("LOCAL_STACK_MAIL_KEEP", String.valueOf(SmtpSink.DEFAULT_KEEP))));
        if (mail != null) {
            System.out.println("local-stack: SMTP sink on 127.0.0.1:" + mail.smtpPort()
                    + "; what arrived: curl -s http://127.0.0.1:" + mail.httpPort() + "/messages");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            if (mail != null) {
                                mail.close();
                            }
                            if (mongo != null) {
                                mongo.close();
                            }
                            stopped.countDown();
                        },
                        "local-stack-shutdown"));
        System.out.println(
                mongo == null
                        ? "local-stack ready (no MongoDB-wire store)"
                        : "local-stack ready: MONGODB_URI=" + mongo.uri("notifyhub")
                                + ("memory".equals(dataDir)
                                        ? " (in memory)"
                                        : " (data in " + Path.of(dataDir).toAbsolutePath() + ")"));
        System.out.flush();
        stopped.await();
    }

    /**
     * The store file's background writer failed, and H2 has closed the store: every later write would fail or
     * wait, so the services would see timeouts while local-stack looked alive. It stops at once instead, with
     * the cause in its log, and {@code ./run-local} reports that it exited. (Not through the shutdown hooks:
     * closing a failed store can wait forever.) The file keeps what was saved before the failure.
     */
    private static void storeFailed(Throwable failure) {
        System.err.println("local-stack: the store file failed; stopping (what was saved before stays in the file)");
        failure.printStackTrace();
        System.err.flush();
        Runtime.getRuntime().halt(70);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
