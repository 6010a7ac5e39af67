package io.notifyhub.localstack;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.bson.Document;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A MongoDB-wire server (mongo-java-server) listening on loopback. With a file it keeps its data in an H2
 * MVStore, so it survives restarts; without one it is in memory. For development and tests only: see the
 * store's known limits in DESIGN.md (no transactions, write concern ignored). TTL indexes expire documents as
 * MongoDB's do, by a background pass ({@link TtlMonitor}).
 */
public final class EmbeddedMongo implements AutoCloseable {

    private final MongoServer server;
    private final MongoBackend backend;
    private final InetSocketAddress address;
    private final TtlMonitor ttl;

    private <B extends MongoBackend & TtlReporting> EmbeddedMongo(B backend, String host, int port) {
        this.backend = backend;
        this.ttl = new TtlMonitor(backend, Clock.systemUTC(), TtlMonitor.configuredInterval());
        backend.reportTtl(ttl);
        this.server = new MongoServer(backend);
        this.address = port == 0 ? server.bind() : bindTo(host, port);
    }

    /** A backend that adds the TTL monitor's figures to its {@code serverStatus}, as MongoDB does. */
    interface TtlReporting {
        void reportTtl(TtlMonitor monitor);
    }

    /**
     * Both backends' answer to a command, with what MongoDB does that mongo-java-server does not: counts by
     * status from the index ({@link IndexedCounts}), {@code hello} ({@link #commandName}), and the TTL
     * monitor's figures in {@code serverStatus}. {@code store} is mongo-java-server's own answer.
     */
    static Document answer(
            String database,
            String command,
            Document query,
            Function<String, MongoDatabase> databases,
            TtlMonitor ttl,
            Function<String, Document> store) {
        if ("aggregate".equalsIgnoreCase(command)) {
            Document counted = IndexedCounts.answer(database, query, databases);
            if (counted != null) {
                return counted;
            }
        }
        Document answer = store.apply(commandName(command));
        if (ttl != null && "serverStatus".equalsIgnoreCase(command)) {
            ttl.addTo(answer);
        }
        return answer;
    }

    /** Runs a TTL pass now, as the monitor does every interval; returns how many documents it deleted. */
    long expireNow() {
        return ttl.pass();
    }

    private InetSocketAddress bindTo(String host, int port) {
        server.bind(host, port);
        return server.getLocalAddress();
    }

    /** An in-memory store on a free loopback port. */
    public static EmbeddedMongo inMemory() {
        return inMemory("127.0.0.1", 0);
    }

    /** An in-memory store on {@code host:port} (0 picks a free port). */
    public static EmbeddedMongo inMemory(String host, int port) {
        return new EmbeddedMongo(new IndexedMemoryBackend(), host, port);
    }

    /**
     * A store kept in {@code file}, on {@code host:port} (0 picks a free port). A failure of the file's background
     * writer (after which the store is closed) is printed to standard error.
     */
    public static EmbeddedMongo persistent(Path file, String host, int port) throws java.io.IOException {
        return persistent(file, host, port, failure -> {
            System.err.println(
                    "local-stack: the store file " + file + " failed and is closed; writes fail from now on");
            failure.printStackTrace();
        });
    }

    /**
     * As {@link #persistent(Path, String, int)}, telling {@code onStoreFailure} of a failure of the file's
     * background writer: the store is then closed and every later write fails.
     */
    public static EmbeddedMongo persistent(Path file, String host, int port, Consumer<Throwable> onStoreFailure)
            throws java.io.IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return new EmbeddedMongo(IndexedH2Backend.open(file.toString(), onStoreFailure), host, port);
    }

    public int port() {
        return address.getPort();
    }

    public String uri(String database) {
        return "mongodb://" + address.getHostString() + ":" + address.getPort() + "/" + database;
    }

    /**
     * Current drivers and Spring Boot's health check send {@code hello}, which mongo-java-server knows only by
     * its older name {@code isMaster}; the store answers both. The services are not aware of it.
     */
    static String commandName(String command) {
        return "hello".equalsIgnoreCase(command) ? "isMaster" : command;
    }

    @Override
    public void close() {
        ttl.close();
        server.shutdownNow();
        backend.close();
    }
}
