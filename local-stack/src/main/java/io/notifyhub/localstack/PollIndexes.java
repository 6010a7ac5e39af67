package io.notifyhub.localstack;

import de.bwaldvogel.mongo.bson.Document;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The store's stand-ins for the indexes the services poll by ({@code JobStore.createIndexes}): the positions of
 * the documents by {@code status}, of those with a {@code callback.dueAt}, and by {@code expiresAt} (the TTL
 * index the {@link TtlMonitor}'s deletes ask by, {@code {expiresAt: {$lt: now}}}, every pass). mongo-java-server scans the whole
 * collection for these filters, under the lock every claim and outcome waits for; with tens of thousands of jobs
 * the scheduler's, reconciler's and webhook dispatcher's looks took a third of the store's time, and the more old
 * jobs the store kept, the longer every look took. A query they answer is still matched in full against each
 * candidate, so they only need to hold every document that could match.
 *
 * <p>A position is what the backend finds a document by: its place in the list (in memory) or its {@code _id}
 * (the file-backed store). Not thread-safe on its own: every call is made under the collection's lock.
 *
 * @param <P> a document's position
 */
final class PollIndexes<P> {

    private static final Set<String> RANGES = Set.of("$lt", "$lte", "$gt", "$gte");
    private static final String EXPIRES_AT = "expiresAt";

    private final Comparator<? super P> order;
    private final Map<Object, NavigableSet<P>> byStatus = new HashMap<>();
    private final NavigableSet<P> withDueCallback;
    // by expiresAt (jobs' retention, rate-limit buckets): the TTL monitor's deletes find what expired
    private final NavigableMap<Instant, NavigableSet<P>> byExpiry = new TreeMap<>();
    private final NavigableSet<P> expiryNotAnInstant; // an array of dates, say: always a candidate

    /** Positions kept in their natural order (the memory backend's list indexes). */
    static PollIndexes<Integer> inNaturalOrder() {
        return new PollIndexes<>(Comparator.naturalOrder());
    }

    /** Positions that are {@code _id}s, kept in their order where they have one (ObjectIds: by creation). */
    static PollIndexes<Object> byId() {
        return new PollIndexes<>(PollIndexes::compareIds);
    }

    private PollIndexes(Comparator<? super P> order) {
        this.order = order;
        this.withDueCallback = new TreeSet<>(order);
        this.expiryNotAnInstant = new TreeSet<>(order);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareIds(Object a, Object b) {
        if (a.getClass() == b.getClass() && a instanceof Comparable comparable) {
            return comparable.compareTo(b);
        }
        int byType = a.getClass().getName().compareTo(b.getClass().getName());
        return byType != 0 ? byType : a.toString().compareTo(b.toString());
    }

    void add(Document document, P position) {
        Object status = document.get("status");
        if (status != null) {
            byStatus.computeIfAbsent(status, s -> new TreeSet<>(order)).add(position);
        }
        if (hasDueCallback(document)) {
            withDueCallback.add(position);
        }
        Object expiresAt = document.get(EXPIRES_AT);
        if (expiresAt instanceof Instant expiry) {
            byExpiry.computeIfAbsent(expiry, e -> new TreeSet<>(order)).add(position);
        } else if (expiresAt != null) {
            expiryNotAnInstant.add(position);
        }
    }

    void remove(Document document, P position) {
        Object status = document.get("status");
        if (status != null) {
            NavigableSet<P> positions = byStatus.get(status);
            if (positions != null) {
                positions.remove(position);
            }
        }
        withDueCallback.remove(position);
        if (document.get(EXPIRES_AT) instanceof Instant expiry) {
            NavigableSet<P> positions = byExpiry.get(expiry);
            if (positions != null) {
                positions.remove(position);
                if (positions.isEmpty()) {
                    byExpiry.remove(expiry);
                }
            }
        }
        expiryNotAnInstant.remove(position);
    }

    /**
     * The positions, in natural order, of every document that can match {@code query}: by a {@code status}
     * it names ({@code "x"}, {@code {$eq: "x"}} or {@code {$in: [...]}}), else by a range on
     * {@code callback.dueAt}, else by {@code {expiresAt: {$lt: instant}}} alone; null when none applies, and
     * the query scans.
     */
    NavigableSet<P> candidates(Document query) {
        Object status = query.get("status");
        if (status instanceof Document condition) {
            if (condition.size() == 1 && condition.get("$eq") instanceof String value) {
                return positions(value);
            }
            if (condition.size() == 1
                    && condition.get("$in") instanceof Collection<?> values
                    && values.stream().allMatch(String.class::isInstance)) {
                NavigableSet<P> union = new TreeSet<>(order);
                values.forEach(value -> union.addAll(positions(value)));
                return union;
            }
        } else if (status instanceof String value) {
            return positions(value);
        }
        if (query.size() == 1
                && query.get(EXPIRES_AT) instanceof Document range
                && range.size() == 1
                && range.get("$lt") instanceof Instant cutoff) {
            NavigableSet<P> expired = new TreeSet<>(expiryNotAnInstant);
            byExpiry.headMap(cutoff, false).values().forEach(expired::addAll);
            return expired;
        }
        if (query.get("callback.dueAt") instanceof Document range
                && !range.isEmpty()
                && RANGES.containsAll(range.keySet())
                && range.values().stream().allMatch(v -> v != null)) {
            return withDueCallback;
        }
        return null;
    }

    /** How many documents match a filter of only {@code status} (see {@link IndexedCounts}), or -1. */
    long count(Document filter) {
        List<String> statuses = IndexedCounts.statusesOnly(filter);
        return statuses == null
                ? -1
                : statuses.stream()
                        .mapToLong(status -> positions(status).size())
                        .sum();
    }

    private NavigableSet<P> positions(Object status) {
        return byStatus.getOrDefault(status, new TreeSet<>(order));
    }

    private static boolean hasDueCallback(Document document) {
        return document.get("callback") instanceof Document callback && callback.containsKey("dueAt");
    }
}
