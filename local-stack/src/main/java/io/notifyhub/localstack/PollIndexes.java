package io.notifyhub.localstack;

import de.bwaldvogel.mongo.bson.Document;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The in-memory store's stand-ins for the indexes the services poll by ({@code JobStore.createIndexes}): the
 * positions of the documents by {@code status}, and of those with a {@code callback.dueAt}. mongo-java-server
 * scans the whole collection for these filters, under the lock every claim and outcome waits for; with tens
 * of thousands of jobs the scheduler's, reconciler's and webhook dispatcher's looks took a third of the
 * store's time. A query they answer is still matched in full against each candidate, so they only need to
 * hold every document that could match.
 *
 * <p>Not thread-safe on its own: every call is made under the collection's lock.
 */
final class PollIndexes {

    private static final Set<String> RANGES = Set.of("$lt", "$lte", "$gt", "$gte");

    private final Map<Object, NavigableSet<Integer>> byStatus = new HashMap<>();
    private final NavigableSet<Integer> withDueCallback = new TreeSet<>();

    void add(Document document, Integer position) {
        Object status = document.get("status");
        if (status != null) {
            byStatus.computeIfAbsent(status, s -> new TreeSet<>()).add(position);
        }
        if (hasDueCallback(document)) {
            withDueCallback.add(position);
        }
    }

    void remove(Document document, Integer position) {
        Object status = document.get("status");
        if (status != null) {
            NavigableSet<Integer> positions = byStatus.get(status);
            if (positions != null) {
                positions.remove(position);
            }
        }
        withDueCallback.remove(position);
    }

    /**
     * The positions, in natural order, of every document that can match {@code query}: by a {@code status}
     * it names ({@code "x"}, {@code {$eq: "x"}} or {@code {$in: [...]}}), else by a range on
     * {@code callback.dueAt}; null when neither applies, and the query scans.
     */
    NavigableSet<Integer> candidates(Document query) {
        Object status = query.get("status");
        if (status instanceof Document condition) {
            if (condition.size() == 1 && condition.get("$eq") instanceof String value) {
                return positions(value);
            }
            if (condition.size() == 1 && condition.get("$in") instanceof Collection<?> values
                    && values.stream().allMatch(String.class::isInstance)) {
                NavigableSet<Integer> union = new TreeSet<>();
                values.forEach(value -> union.addAll(positions(value)));
                return union;
            }
        } else if (status instanceof String value) {
            return positions(value);
        }
        if (query.get("callback.dueAt") instanceof Document range && !range.isEmpty()
                && RANGES.containsAll(range.keySet()) && range.values().stream().allMatch(v -> v != null)) {
            return withDueCallback;
        }
        return null;
    }

    private NavigableSet<Integer> positions(Object status) {
        return byStatus.getOrDefault(status, new TreeSet<>());
    }

    private static boolean hasDueCallback(Document document) {
        return document.get("callback") instanceof Document callback && callback.containsKey("dueAt");
    }
}
