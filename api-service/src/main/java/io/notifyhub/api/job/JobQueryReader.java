package io.notifyhub.api.job;

import io.notifyhub.model.Channel;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.store.JobQuery;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.util.MultiValueMap;

/**
 * Reads the query of {@code GET /api/jobs}. A parameter is only ever one plain value: unknown names (such as
 * {@code status[$ne]}), repeated names and values that do not parse are refused, naming each.
 */
final class JobQueryReader {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    private static final Set<String> KNOWN =
            Set.of("status", "type", "createdAfter", "createdBefore", "recipient", "limit", "cursor");

    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");
    private static final String INSTANT =
            "must be an ISO-8601 instant from the years 1 to 9999, such as " + "2026-11-23T10:00:00Z";

    private JobQueryReader() {}

    static JobQuery read(MultiValueMap<String, String> params) {
        List<FieldProblem> problems = new ArrayList<>();
        params.forEach((name, values) -> {
            if (!KNOWN.contains(name)) {
                problems.add(new FieldProblem(
                        name,
                        "unknown parameter; known: "
                                + String.join(", ", KNOWN.stream().sorted().toList())));
            } else if (values.size() > 1) {
                problems.add(new FieldProblem(name, "give it once"));
            }
        });
        JobStatus status = parse(
                params,
                "status",
                JobStatus::of,
                "must be one of "
                        + Arrays.stream(JobStatus.values())
                                .map(JobStatus::value)
                                .collect(Collectors.joining(", ")),
                problems);
        Channel type = parse(
                params,
                "type",
                Channel::of,
                "must be one of "
                        + Arrays.stream(Channel.values()).map(Channel::value).collect(Collectors.joining(", ")),
                problems);
        Instant after = parse(params, "createdAfter", JobQueryReader::instant, INSTANT, problems);
        Instant before = parse(params, "createdBefore", JobQueryReader::instant, INSTANT, problems);
        String recipient = parse(
                params,
                "recipient",
                value -> {
                    if (value.isBlank() || value.length() > 4096) {
                        throw new IllegalArgumentException();
                    }
                    return value;
                },
                "must be 1 to 4,096 characters",
                problems);
        Integer limit = parse(params, "limit", Integer::valueOf, "must be between 1 and " + MAX_LIMIT, problems);
        if (limit != null && (limit < 1 || limit > MAX_LIMIT)) {
            problems.add(new FieldProblem("limit", "must be between 1 and " + MAX_LIMIT));
        }
        JobQuery.Cursor cursor = parse(
                params, "cursor", JobQuery.Cursor::decode, "is not a cursor from a Link header of this API", problems);
        if (after != null && before != null && !after.isBefore(before)) {
            problems.add(new FieldProblem("createdAfter", "must be before createdBefore"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        return new JobQuery(status, type, after, before, recipient, cursor, limit == null ? DEFAULT_LIMIT : limit);
    }

    /** An instant the store can hold (a date is milliseconds in a 64-bit number): years 1 to 9999. */
    private static Instant instant(String text) {
        if (text.length() > 64) {
            throw new IllegalArgumentException("too long");
        }
        Instant instant = Instant.parse(text);
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new IllegalArgumentException("out of range");
        }
        return instant;
    }

    private static <T> T parse(
            MultiValueMap<String, String> params,
            String name,
            Function<String, T> parser,
            String reason,
            List<FieldProblem> problems) {
        String value = params.getFirst(name);
        if (value == null) {
            return null;
        }
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException | DateTimeParseException | ArithmeticException e) {
            problems.add(new FieldProblem(name, reason));
            return null;
        }
    }
}
