package io.notifyhub.localstack;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A MongoDB-wire server (mongo-java-server) listening on loopback. With a file it keeps its data in an H2
 * MVStore, so it survives restarts; without one it is in memory. For development and tests only: see the
 * store's known limits in DESIGN.md (no transactions, TTL indexes never expire, write concern ignored).
 */
public final class EmbeddedMongo implements AutoCloseable {

    private final MongoServer server;
    private final MongoBackend backend;
    private final InetSocketAddress address;

    private EmbeddedMongo(MongoBackend backend, String host, int port) {
        this.backend = backend;
        this.server = new MongoServer(backend);
        this.address = port == 0 ? server.bind() : bindTo(host, port);
    }

    private InetSocketAddress bindTo(String host, int port) {
        server.bind(host, port);
        return server.getLocalAddress();
    }

    /** An in-memory store on a free loopback port. */
    public static EmbeddedMongo inMemory() {
        return new EmbeddedMongo(new MemoryBackend(), "127.0.0.1", 0);
    }

    /** A store kept in {@code file}, on {@code host:port} (0 picks a free port). */
    public static EmbeddedMongo persistent(Path file, String host, int port) throws java.io.IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return new EmbeddedMongo(new H2Backend(file.toString()), host, port);
    }

    public int port() {
        return address.getPort();
    }

    public String uri(String database) {
        return "mongodb://" + address.getHostString() + ":" + address.getPort() + "/" + database;
    }

    @Override
    public void close() {
        server.shutdownNow();
        backend.close();
    }
}
