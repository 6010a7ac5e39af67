package io.notifyhub.localstack;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.netty.channel.Channel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The in-memory store, answering {@code hello}, finding a query's pinned {@code _id} by a map and the
 * services' polls by {@link PollIndexes}.
 */
final class IndexedMemoryBackend extends MemoryBackend implements EmbeddedMongo.TtlReporting {

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
     * every database again: here a new, empty one each time. A database opened once is answered from here.
     */
    private final Map<String, MemoryDatabase> opened = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public MemoryDatabase openOrCreateDatabase(String databaseName) {
        return opened.computeIfAbsent(databaseName, this::open);
    }

    @Override
    public void dropDatabase(String databaseName) {
        super.dropDatabase(databaseName);
        opened.remove(databaseName);
    }

    private MemoryDatabase open(String databaseName) {
        return new MemoryDatabase(databaseName, getCursorRegistry()) {
            @Override
            protected MemoryCollection openOrCreateCollection(String collectionName, CollectionOptions options) {
                return new IndexedCollection(this, collectionName, options, cursorRegistry);
            }
        };
    }

    private static final class IndexedCollection extends MemoryCollection implements IndexedCounts.Countable {

        private final Map<Object, Integer> positionsById = new HashMap<>();
        private final PollIndexes<Integer> polls = PollIndexes.inNaturalOrder();
        // replies carry copies taken under the lock (see ReplySnapshots); the collection's own writes do not
        private final ReplySnapshots snapshots = new ReplySnapshots();

        IndexedCollection(MongoDatabase database, String name, CollectionOptions options, CursorRegistry cursors) {
            super(database, name, options, cursors);
        }

        @Override
        protected QueryResult createQueryResult(List<Document> matched, int batchSize) {
            return super.createQueryResult(snapshots.matched(matched), batchSize);
        }

        @Override
        public synchronized Document findAndModify(Document query) {
            return ReplySnapshots.reply(snapshots.internally(() -> super.findAndModify(query)));
        }

        @Override
        public synchronized Document updateDocuments(
                Document selector,
                Document update,
                ArrayFilters arrayFilters,
                boolean multi,
                boolean upsert,
                Oplog oplog) {
            return snapshots.internally(
                    () -> super.updateDocuments(selector, update, arrayFilters, multi, upsert, oplog));
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
        protected Integer addDocumentInternal(Document document) {
            Integer position = super.addDocumentInternal(document);
            positionsById.put(document.get("_id"), position);
            polls.add(document, position);
            return position;
        }

        @Override
        protected void removeDocument(Integer position) {
            Document document = getDocument(position);
            if (document != null) {
                positionsById.remove(document.get("_id"));
                polls.remove(document, position);
            }
            super.removeDocument(position);
        }

        @Override
        protected void handleUpdate(Integer position, Document oldDocument, Document newDocument) {
            polls.remove(oldDocument, position); // the document as it was when indexed (updates change it in place)
            polls.add(newDocument, position);
            super.handleUpdate(position, oldDocument, newDocument);
        }

        @Override
        protected QueryResult queryDocuments(
                Document query, Document orderBy, int skip, int limit, int batchSize, Document fieldSelector) {
            List<Object> ids = IdLookup.pinnedIds(query);
            if (ids != null) {
                List<Integer> positions = ids.stream()
                        .map(positionsById::get)
                        .filter(Objects::nonNull)
                        .distinct()
                        .toList();
                return matchDocuments(query, positions, orderBy, skip, limit, batchSize, fieldSelector);
            }
            Iterable<Integer> candidates = isNaturalDescending(orderBy) ? null : polls.candidates(query);
            if (candidates != null) {
                return matchDocuments(query, candidates, orderBy, skip, limit, batchSize, fieldSelector);
            }
            return super.queryDocuments(query, orderBy, skip, limit, batchSize, fieldSelector);
        }
    }
}
