package io.notifyhub.model.store;

import static io.notifyhub.model.store.JobFields.CLIENT_ID;
import static io.notifyhub.model.store.JobFields.CREATED_AT;
import static io.notifyhub.model.store.JobFields.ID;
import static io.notifyhub.model.store.JobFields.PUBLISHED_AT;
import static io.notifyhub.model.store.JobFields.RECIPIENT_FIELDS;
import static io.notifyhub.model.store.JobFields.STATUS;
import static io.notifyhub.model.store.JobFields.TYPE;
import static io.notifyhub.model.store.JobFields.UPDATED_AT;
import static org.springframework.data.mongodb.core.query.Criteria.where;

import io.notifyhub.model.Channel;
import io.notifyhub.model.JobIds;
import io.notifyhub.model.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.bson.types.ObjectId;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;

/** Inserts, reads by id and by page, publish marks and counts of jobs. */
public final class JobQueries {

    /** Jobs a page's cursor fetches at a time. */
    static final int PAGE_CURSOR_BATCH = 50;

    private final JobWrites writes;
    private final MongoOperations mongo;

    JobQueries(JobWrites writes) {
        this.writes = writes;
        this.mongo = writes.mongo;
    }

    /** Stores a new job; the client's write concern (majority) applies. */
    public Job insert(Job job) {
        return mongo.insert(job);
    }

    /** Stores new jobs with one bulk insert; the client's write concern (majority) applies. */
    public List<Job> insertAll(List<Job> jobs) {
        return List.copyOf(mongo.insertAll(jobs));
    }

    public Optional<Job> find(String id) {
        if (!JobIds.isValid(id)) {
            return Optional.empty();
        }
        return Optional.ofNullable(mongo.findById(new ObjectId(id), Job.class));
    }

    /** One page of jobs matching the query among the jobs of one client ({@code null}: of all clients). */
    public List<Job> findPage(JobQuery query, String clientId) {
        return mongo.find(pageQuery(query, clientId), Job.class);
    }

    /** {@link #findPage(JobQuery, String)} without payloads and histories, for work that needs neither. */
    public List<Job> findPageLean(JobQuery query, String clientId) {
        return writes.findLean(pageQuery(query, clientId));
    }

    /** A page of jobs, and whether there may be more: it was cut at its limit or at its byte budget. */
    public record Page(List<Job> jobs, boolean more) {}

    /**
     * {@link #findPage(JobQuery, String)}, ending the page early once its jobs hold about {@code maxBytes} (see
     * {@link #approximateBytes}); a page always has at least one job if one matches. The jobs are read through a
     * cursor {@value #PAGE_CURSOR_BATCH} at a time, so no more than that is read past the budget.
     */
    public Page findPage(JobQuery query, String clientId, long maxBytes) {
        List<Job> jobs = new ArrayList<>();
        long bytes = 0;
        try (Stream<Job> stream =
                mongo.stream(pageQuery(query, clientId).cursorBatchSize(PAGE_CURSOR_BATCH), Job.class)) {
            Iterator<Job> cursor = stream.iterator();
            while (cursor.hasNext()) {
                Job job = cursor.next();
                long size = approximateBytes(job);
                if (!jobs.isEmpty() && bytes + size > maxBytes) {
                    return new Page(jobs, true);
                }
                jobs.add(job);
                bytes += size;
            }
        }
        return new Page(jobs, jobs.size() == query.limit());
    }

    /**
     * About how many bytes a job takes as JSON: the characters of its text (payload, history, error, webhook)
     * plus a fixed amount for its other fields. Linear in the job, and cheap next to writing it out.
     */
    public static long approximateBytes(Job job) {
        long bytes = 400 + length(job.payload()) + length(job.error());
        for (Attempt attempt : job.history()) {
            bytes += 200 + length(attempt.worker()) + length(attempt.provider()) + length(attempt.error());
        }
        if (job.callback() != null) {
            bytes += 100 + length(job.callback().url()) + length(job.callback().lastError());
        }
        return bytes;
    }

    private static long length(Object value) {
        return switch (value) {
            case null -> 0;
            case CharSequence text -> text.length() + 2;
            case Map<?, ?> map ->
                map.entrySet().stream()
                                .mapToLong(e -> length(e.getKey()) + length(e.getValue()) + 2)
                                .sum()
                        + 2;
            case Collection<?> list ->
                list.stream().mapToLong(JobQueries::length).sum() + list.size() + 2;
            default -> 24;
        };
    }

    private static Query pageQuery(JobQuery query, String clientId) {
        List<Criteria> all = new ArrayList<>();
        if (clientId != null) {
            all.add(where(CLIENT_ID).is(clientId));
        }
        if (query.status() != null) {
            all.add(where(STATUS).is(query.status()));
        }
        if (query.type() != null) {
            all.add(where(TYPE).is(query.type()));
        }
        if (query.createdAfter() != null) {
            all.add(where(CREATED_AT).gt(query.createdAfter()));
        }
        if (query.createdBefore() != null) {
            all.add(where(CREATED_AT).lt(query.createdBefore()));
        }
        if (query.recipient() != null) {
            all.add(new Criteria()
                    .orOperator(RECIPIENT_FIELDS.stream()
                            .map(field -> where(field).is(query.recipient()))
                            .toArray(Criteria[]::new)));
        }
        if (query.after() != null) {
            all.add(new Criteria()
                    .orOperator(
                            where(CREATED_AT).lt(query.after().createdAt()),
                            where(CREATED_AT)
                                    .is(query.after().createdAt())
                                    .and(ID)
                                    .lt(query.after().id())));
        }
        return new Query(all.isEmpty() ? new Criteria() : new Criteria().andOperator(all))
                .with(Sort.by(Sort.Order.desc(CREATED_AT), Sort.Order.desc(ID)))
                .limit(query.limit());
    }

    /** Records that the broker confirmed the job's message. */
    public void markPublished(ObjectId id, Instant at) {
        mongo.updateFirst(Query.query(where(ID).is(id)), Update.update(PUBLISHED_AT, at), Job.class);
    }

    /** Records that the broker confirmed the messages of these jobs. */
    public void markPublished(Collection<ObjectId> ids, Instant at) {
        if (!ids.isEmpty()) {
            mongo.updateMulti(Query.query(where(ID).in(ids)), Update.update(PUBLISHED_AT, at), Job.class);
        }
    }

    /** How many of these jobs are stored. */
    public long countByIds(Collection<ObjectId> ids) {
        return mongo.count(Query.query(where(ID).in(ids)), Job.class);
    }

    /** How many jobs are in a status. */
    public long count(JobStatus status) {
        return mongo.count(Query.query(where(STATUS).is(status)), Job.class);
    }

    /**
     * How many jobs of a client ({@code null}: of all clients) are in a status or of a channel (at least one of
     * the two), and last changed in {@code [from, to)} ({@code from} null: at any time). Read by the
     * {@link JobIndexes#stats() stats indexes}.
     */
    public long count(String clientId, JobStatus status, Channel type, Instant from, Instant to) {
        if (status == null && type == null) {
            throw new IllegalArgumentException("a count names a status or a channel");
        }
        Criteria criteria =
                status != null ? where(STATUS).is(status) : where(TYPE).is(type);
        if (status != null && type != null) {
            criteria = criteria.and(TYPE).is(type);
        }
        if (from != null) {
            criteria = criteria.and(UPDATED_AT).gte(from).lt(to);
        }
        if (clientId != null) {
            criteria = new Criteria().andOperator(where(CLIENT_ID).is(clientId), criteria);
        }
        return mongo.count(Query.query(criteria), Job.class);
    }
}
