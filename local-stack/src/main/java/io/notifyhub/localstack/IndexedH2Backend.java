package io.notifyhub.localstack;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * The persistent store (an H2 MVStore file), answering {@code hello}, finding a query's pinned {@code _id}
 * directly (its documents are kept by id) and the services' polls by {@link PollIndexes}, which it builds from
 * the documents already stored when it opens a collection.
 */
final class IndexedH2Backend extends H2Backend implements EmbeddedMongo.TtlReporting {

    // the map names H2Database uses for a collection's documents and its metadata
    private static final String DATA_MAP = "databases.";
    private static final String META_MAP = "meta.";

    // H2Backend opens the existing databases from its constructor, before this class's fields are set
    private static final ThreadLocal<MVStore> OPENING = new ThreadLocal<>();

    private final MVStore store;

    private IndexedH2Backend(MVStore store) {
        super(store);
        this.store = store;
    }

    /**
     * Opens (or creates) the store in {@code file}. {@code onFailure} hears of a failure of the store's background
     * writer: H2 then closes the store (a "panic"), every later write fails, and what was written since the last
     * save is lost, so the owner must not go on as if nothing happened.
     */
    static IndexedH2Backend open(String file, Consumer<Throwable> onFailure) {
        MVStore store = new MVStore.Builder()
                .fileName(file)
                .backgroundExceptionHandler((thread, e) -> onFailure.accept(e))
                .open();
        OPENING.set(store);
        try {
            return new IndexedH2Backend(store);
        } finally {
            OPENING.remove();
        }
    }

    /** A collection's documents ({@code database.collection}), for tests. */
    MVMap<Object, Document> dataMap(String namespace) {
        return store().openMap(
                        DATA_MAP + namespace, new MVMap.Builder<Object, Document>().valueType(BsonDocuments.TYPE));
    }

    /** Saves what changed now, for tests. */
    void commitNow() {
        store().commit();
    }

    private MVStore store() {
        return store != null ? store : OPENING.get();
    }

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
        return EmbeddedMongo.answer(
                database,
                command,
                query,
                this::resolveDatabase,
                ttl,
                name -> super.handleCommand(channel, database, name, query));
    }

    private volatile TtlMonitor ttl;

    @Override
    public void reportTtl(TtlMonitor monitor) {
        this.ttl = monitor;
    }

    /**
     * mongo-java-server answers {@code listDatabases} (which Spring Boot's MongoDB health check sends) by opening
     * every database again, and opening one builds its indexes from every document it holds: the whole store
     * read for each health check. A database opened once is answered from here instead. (null while the
     * superclass's constructor opens the databases already in the file.)
     */
    private final Map<String, MongoDatabase> opened = new ConcurrentHashMap<>();

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        if (opened == null) {
            return openDatabase(databaseName);
        }
        MongoDatabase known = opened.get(databaseName);
        if (known != null) {
            return known;
        }
        MongoDatabase created = openDatabase(databaseName);
        MongoDatabase raced = opened.putIfAbsent(databaseName, created);
        return raced != null ? raced : created;
    }

    @Override
    public void dropDatabase(String databaseName) {
        super.dropDatabase(databaseName);
        opened.remove(databaseName);
    }

    private MongoDatabase openDatabase(String databaseName) {
        MVStore store = store();
        return new H2Database(databaseName, store, getCursorRegistry()) {
            @Override
            protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
                String fullName = getFullCollectionNamespace(collectionName);
                MVMap<String, Object> meta = store.openMap(META_MAP + fullName);
                MVMap<Object, Document> data = openData(store, DATA_MAP + fullName, meta);
                return new IndexedCollection(this, collectionName, options, data, meta, cursorRegistry);
            }
        };
    }

    /** In the collection's metadata: its documents are written as BSON ({@link BsonDocuments}). */
    private static final String FORMAT = "notifyhub.format";

    private static final String BSON = "bson";

    /**
     * The collection's documents, written as BSON. A collection an earlier version wrote with H2's Java
     * serialization is rewritten once, when it is first opened.
     */
    private static MVMap<Object, Document> openData(MVStore store, String name, MVMap<String, Object> meta) {
        MVMap.Builder<Object, Document> bson = new MVMap.Builder<Object, Document>().valueType(BsonDocuments.TYPE);
        if (BSON.equals(meta.get(FORMAT)) || !store.hasMap(name)) {
            meta.put(FORMAT, BSON);
            return store.openMap(name, bson);
        }
        MVMap<Object, Document> old = store.openMap(name);
        java.util.Map<Object, Document> documents = new java.util.LinkedHashMap<>(old);
        store.removeMap(old);
        MVMap<Object, Document> data = store.openMap(name, bson);
        data.putAll(documents);
        meta.put(FORMAT, BSON);
        store.commit();
        return data;
    }

    private static final class IndexedCollection extends H2Collection implements IndexedCounts.Countable {

        // replies carry copies taken under the lock (see ReplySnapshots); the collection's own writes do not
        private final ReplySnapshots snapshots = new ReplySnapshots();
        // updates at work (under the collection's lock): see createQueryResult
        private int updating;
        private final PollIndexes<Object> polls = PollIndexes.byId();

        IndexedCollection(
                MongoDatabase database,
                String name,
                CollectionOptions options,
                MVMap<Object, Document> data,
                MVMap<String, Object> meta,
                CursorRegistry cursors) {
            super(database, name, options, data, meta, cursors);
            data.forEach((id, document) -> polls.add(document, id)); // what an earlier run stored
        }

        @Override
        protected Object addDocumentInternal(Document document) {
            Object position = super.addDocumentInternal(document);
            polls.add(document, position);
            return position;
        }

        @Override
        protected void removeDocument(Object position) {
            Document document = getDocument(position);
            if (document != null) {
                polls.remove(document, position);
            }
            super.removeDocument(position);
        }

        @Override
        protected void handleUpdate(Object position, Document oldDocument, Document newDocument) {
            polls.remove(oldDocument, position);
            polls.add(newDocument, position);
            super.handleUpdate(position, oldDocument, newDocument);
        }

        /**
         * An update gets its own (shallow) copy of each document it matched. mongo-java-server changes the matched
         * document in place (removes and puts its top-level fields, with new values) and then puts it back into the
         * map; but here that instance is also in the page versions H2's background writer serializes to the file
         * at the same time, without the collection's lock. Changing it there failed the writer
         * (ConcurrentModificationException while encoding it), and H2 then closes the whole store. With a copy, the
         * stored instance never changes: the update puts a new one.
         */
        @Override
        protected QueryResult createQueryResult(List<Document> matched, int batchSize) {
            if (updating > 0) {
                List<Document> copies = new ArrayList<>(matched.size());
                matched.forEach(document -> copies.add(document.clone()));
                return super.createQueryResult(copies, batchSize);
            }
            return super.createQueryResult(snapshots.matched(matched), batchSize);
        }

        @Override
        public synchronized Document findAndModify(Document query) {
            return ReplySnapshots.reply(updating(() -> snapshots.internally(() -> super.findAndModify(query))));
        }

        @Override
        public synchronized Document updateDocuments(
                Document selector,
                Document update,
                ArrayFilters arrayFilters,
                boolean multi,
                boolean upsert,
                Oplog oplog) {
            return updating(() -> snapshots.internally(
                    () -> super.updateDocuments(selector, update, arrayFilters, multi, upsert, oplog)));
        }

        private <T> T updating(Supplier<T> update) {
            updating++;
            try {
                return update.get();
            } finally {
                updating--;
            }
        }

        @Override
        public synchronized int deleteDocuments(Document selector, int limit, Oplog oplog) {
            return snapshots.internally(() -> super.deleteDocuments(selector, limit, oplog));
        }

        @Override
        public synchronized Iterable<Document> queryAll() {
            // aggregations (Spring Data's count) read every document and answer with new ones of their own
            return snapshots.internally(() -> handleQuery(new Document()));
        }

        @Override
        public synchronized long countIndexed(Document filter) {
            return polls.count(filter);
        }

        @Override
        protected QueryResult queryDocuments(
                Document query, Document orderBy, int skip, int limit, int batchSize, Document fieldSelector) {
            List<Object> ids = IdLookup.pinnedIds(query);
            if (ids != null) {
                List<Object> positions = ids.stream()
                        .distinct()
                        .filter(id -> getDocument(id) != null)
                        .toList();
                return matchDocuments(query, positions, orderBy, skip, limit, batchSize, fieldSelector);
            }
            Iterable<Object> candidates = isNaturalDescending(orderBy) ? null : polls.candidates(query);
            if (candidates != null) {
                return matchDocuments(query, candidates, orderBy, skip, limit, batchSize, fieldSelector);
            }
            return super.queryDocuments(query, orderBy, skip, limit, batchSize, fieldSelector);
        }
    }
}
