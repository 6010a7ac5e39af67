package io.notifyhub.localstack;

import de.bwaldvogel.mongo.bson.Document;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Makes a collection answer with copies of its documents, taken while it holds its lock. mongo-java-server hands
 * the stored documents themselves to the reply (or to a cursor), encodes them after the lock is released, and
 * changes stored documents in place on update: a reply could carry a write made after its query matched, so a
 * find for due webhooks could return a job another replica had just leased, with the new lease, and both leases
 * then held (MongoDB answers each document as it was when read). Writes still work on the stored documents: they
 * run {@link #internally}, and only what leaves for a client is copied.
 *
 * <p>Not thread-safe on its own: every call is made under the collection's lock.
 */
final class ReplySnapshots {

    private int internal;

    /** Runs one of the collection's own operations, whose queries must see (and change) the stored documents. */
    <T> T internally(Supplier<T> operation) {
        internal++;
        try {
            return operation.get();
        } finally {
            internal--;
        }
    }

    /** What a query hands on: copies when it answers a client, the stored documents when a write runs it. */
    List<Document> matched(List<Document> documents) {
        if (internal > 0) {
            return documents;
        }
        List<Document> copies = new ArrayList<>(documents.size());
        documents.forEach(document -> copies.add(document.cloneDeeply()));
        return copies;
    }

    /** A findAndModify answer with a copy of the document it returns. */
    static Document reply(Document findAndModify) {
        if (findAndModify.get("value") instanceof Document value) {
            findAndModify.put("value", value.cloneDeeply());
        }
        return findAndModify;
    }
}
