package io.notifyhub.localstack;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.bson.Document;
import java.util.List;
import java.util.function.Function;

/**
 * Answers the count a driver's {@code countDocuments} sends ({@code aggregate} with the pipeline
 * {@code [{$match: filter}, {$group: {_id: 1, n: {$sum: 1}}}]}) from {@link PollIndexes} when the filter names
 * only a {@code status}. mongo-java-server runs every aggregation by reading the whole collection under its
 * lock: the API's job gauges count each status every few seconds, and on a file-backed store of some tens of
 * thousands of jobs each count read pages from the file for seconds while every claim and outcome waited (the
 * services saw store timeouts at 300 jobs/s). MongoDB answers the same count from its {@code status} index.
 * Any other aggregation is left to mongo-java-server.
 */
final class IndexedCounts {

    /** A collection that can count documents by the filters its indexes answer. */
    interface Countable {
        /** How many documents match {@code filter}, or -1 when its indexes cannot say. */
        long countIndexed(Document filter);
    }

    private IndexedCounts() {}

    /** The reply to {@code command} if it is such a count on a {@link Countable} collection, else null. */
    static Document answer(String database, Document command, Function<String, MongoDatabase> databases) {
        if (!(command.get("aggregate") instanceof String collectionName)
                || !(command.get("pipeline") instanceof List<?> pipeline)
                || pipeline.size() != 2
                || !(pipeline.get(0) instanceof Document match)
                || match.size() != 1
                || !(match.get("$match") instanceof Document filter)
                || !(pipeline.get(1) instanceof Document group)
                || group.size() != 1
                || !(group.get("$group") instanceof Document grouping)
                || grouping.size() != 2
                || !grouping.containsKey("_id")
                || grouping.get("_id") instanceof String) {
            return null;
        }
        String field = grouping.keySet().stream()
                .filter(key -> !"_id".equals(key))
                .findFirst()
                .orElseThrow();
        if (!(grouping.get(field) instanceof Document sum)
                || sum.size() != 1
                || !(sum.get("$sum") instanceof Number one)
                || one.intValue() != 1
                || one.doubleValue() != 1.0) {
            return null;
        }
        MongoDatabase db = databases.apply(database);
        MongoCollection<?> collection = db == null ? null : db.resolveCollection(collectionName, false);
        if (!(collection instanceof Countable countable)) {
            return null;
        }
        long count = countable.countIndexed(filter);
        if (count < 0) {
            return null;
        }
        Object n = count <= Integer.MAX_VALUE ? (Object) (int) count : (Object) count;
        List<Document> firstBatch =
                count == 0 ? List.of() : List.of(new Document("_id", grouping.get("_id")).append(field, n));
        Document cursor =
                new Document("firstBatch", firstBatch).append("id", 0L).append("ns", database + "." + collectionName);
        return new Document("cursor", cursor).append("ok", 1.0);
    }

    /** The names of the statuses a filter of only {@code status} asks for, or null for any other filter. */
    static List<String> statusesOnly(Document filter) {
        if (filter.size() != 1) {
            return null;
        }
        Object status = filter.get("status");
        if (status instanceof String value) {
            return List.of(value);
        }
        if (status instanceof Document condition && condition.size() == 1) {
            if (condition.get("$eq") instanceof String value) {
                return List.of(value);
            }
            if (condition.get("$in") instanceof List<?> values
                    && values.stream().allMatch(String.class::isInstance)) {
                return values.stream().map(String.class::cast).distinct().toList();
            }
        }
        return null;
    }
}
