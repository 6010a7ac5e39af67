package io.notifyhub.model.store;

import static io.notifyhub.model.store.JobFields.CALLBACK_DUE;
import static io.notifyhub.model.store.JobFields.CLIENT_ID;
import static io.notifyhub.model.store.JobFields.CREATED_AT;
import static io.notifyhub.model.store.JobFields.EXPIRES_AT;
import static io.notifyhub.model.store.JobFields.ID;
import static io.notifyhub.model.store.JobFields.RECIPIENT_FIELDS;
import static io.notifyhub.model.store.JobFields.SCHEDULED_AT;
import static io.notifyhub.model.store.JobFields.STATUS;
import static io.notifyhub.model.store.JobFields.TYPE;
import static io.notifyhub.model.store.JobFields.UPDATED_AT;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.index.Index;

/**
 * Every index of the {@code jobs} collection, in one place: each query of the store names the index it reads here.
 * Creating an index that exists is a no-op, so {@link #create} runs at every start.
 */
public final class JobIndexes {

    private JobIndexes() {}

    /** The indexes, in the order they are created. */
    static List<Index> all() {
        List<Index> indexes = new ArrayList<>();
        // one per filter of a page of jobs, each ending in the newest-first order
        indexes.add(newestFirst(new Index()));
        for (String field : List.of(STATUS, TYPE, CLIENT_ID)) {
            indexes.add(newestFirst(new Index().on(field, Sort.Direction.ASC)));
        }
        for (String field : RECIPIENT_FIELDS) {
            indexes.add(newestFirst(new Index().on(field, Sort.Direction.ASC)).sparse());
        }
        // the scheduler's query: scheduled jobs by due time
        indexes.add(new Index().on(STATUS, Sort.Direction.ASC).on(SCHEDULED_AT, Sort.Direction.ASC));
        // only jobs whose webhook is due (or leased) carry callback.dueAt: the dispatcher's poll reads this index
        indexes.add(new Index().on(CALLBACK_DUE, Sort.Direction.ASC).sparse());
        // retention: only finished jobs carry expiresAt, and the store removes each once that time has passed
        indexes.add(new Index().on(EXPIRES_AT, Sort.Direction.ASC).expire(Duration.ZERO));
        return indexes;
    }

    /** The counts of the ops console: by status and minute, for all clients and for one. */
    static List<Index> stats() {
        return List.of(
                new Index().on(STATUS, Sort.Direction.ASC).on(UPDATED_AT, Sort.Direction.ASC),
                new Index()
                        .on(CLIENT_ID, Sort.Direction.ASC)
                        .on(STATUS, Sort.Direction.ASC)
                        .on(UPDATED_AT, Sort.Direction.ASC));
    }

    static void create(MongoOperations mongo, List<Index> indexes) {
        var operations = mongo.indexOps(Job.class);
        indexes.forEach(operations::createIndex);
    }

    private static Index newestFirst(Index index) {
        return index.on(CREATED_AT, Sort.Direction.DESC).on(ID, Sort.Direction.DESC);
    }
}
