package io.notifyhub.localstack;

import de.bwaldvogel.mongo.bson.Document;
import java.util.Collection;
import java.util.List;

/**
 * mongo-java-server uses the {@code _id} index only for a query that is exactly {@code {_id: value}}; any
 * other condition next to it makes it scan the whole collection under the collection's lock. Conditional
 * updates ({@code {_id: x, status: "queued", ...}}) are the system's hot path, so the store here finds the
 * one candidate by its id first and matches the rest of the query on it alone. Real MongoDB does the same
 * with its {@code _id} index; the services do not know the difference.
 */
final class IdLookup {

    private IdLookup() {}

    /**
     * The {@code _id}s a query pins down next to other conditions ({@code {_id: x, ...}}), or lists
     * ({@code {_id: {$in: [...]}, ...}}, as a bulk update by ids sends); null when it does not, or when it is
     * exactly {@code {_id: x}}, which the store already finds by its index.
     */
    static List<Object> pinnedIds(Document query) {
        Object id = query.get("_id");
        if (id == null) {
            return null;
        }
        if (id instanceof Document condition) {
            return condition.size() == 1 && condition.get("$in") instanceof Collection<?> in ? List.copyOf(in) : null;
        }
        return query.size() < 2 ? null : List.of(id);
    }
}
