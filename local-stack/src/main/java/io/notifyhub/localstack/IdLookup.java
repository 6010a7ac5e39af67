package io.notifyhub.localstack;

import de.bwaldvogel.mongo.bson.Document;

/**
 * mongo-java-server uses the {@code _id} index only for a query that is exactly {@code {_id: value}}; any
 * other condition next to it makes it scan the whole collection under the collection's lock. Conditional
 * updates ({@code {_id: x, status: "queued", ...}}) are the system's hot path, so the store here finds the
 * one candidate by its id first and matches the rest of the query on it alone. Real MongoDB does the same
 * with its {@code _id} index; the services do not know the difference.
 */
final class IdLookup {

    private IdLookup() {
    }

    /** The {@code _id} a query pins down next to other conditions, or null when it does not. */
    static Object pinnedId(Document query) {
        if (query.size() < 2) {
            return null; // {_id: x} alone already uses the index; {} and others scan as before
        }
        Object id = query.get("_id");
        return id instanceof Document ? null : id;
    }
}
