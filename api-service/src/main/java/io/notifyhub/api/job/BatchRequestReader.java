package io.notifyhub.api.job;

import io.notifyhub.api.config.ApiProperties;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a batch body {@code {"jobs": [...]}} into a {@link NewBatch}, validated as a whole: every item is read
 * like the body of {@code POST /api/jobs}, and any bad item refuses the batch, each problem named by the item's
 * index ({@code jobs[3].payload.recipient}). Each item is capped like the body of a single job: written as compact
 * JSON it may be at most {@code notifyhub.api.max-body-size}, so a batch cannot carry jobs a single request could
 * not.
 */
@Component
class BatchRequestReader {

    private static final String JOBS = "jobs";

    private final JobRequestReader items;
    private final long maxItemBytes;
    private final JsonMapper json = JsonMapper.builder().build();

    BatchRequestReader(JobRequestReader items, ApiProperties properties) {
        this.items = items;
        this.maxItemBytes = properties.maxBodySize().toBytes();
    }

    NewBatch read(JsonNode body, String clientId) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException("body", "must be a JSON object with a jobs array");
        }
        List<FieldProblem> problems = new ArrayList<>();
        body.propertyNames().stream()
                .filter(name -> !JOBS.equals(name))
                .forEach(name -> problems.add(new FieldProblem(name, "unknown field")));
        JsonNode jobs = body.get(JOBS);
        if (jobs == null || jobs.isNull()) {
            problems.add(new FieldProblem(JOBS, "is required: an array of 1 to " + NewBatch.MAX_JOBS + " jobs"));
        } else if (!jobs.isArray()) {
            problems.add(new FieldProblem(JOBS, "must be an array of 1 to " + NewBatch.MAX_JOBS + " jobs"));
        } else if (jobs.isEmpty()) {
            problems.add(new FieldProblem(JOBS, "must hold at least 1 job"));
        } else if (jobs.size() > NewBatch.MAX_JOBS) {
            problems.add(new FieldProblem(
                    JOBS,
                    "must hold at most " + NewBatch.MAX_JOBS + " jobs, has " + jobs.size()
                            + "; split it into several batches"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        List<NewJob> read = new ArrayList<>(jobs.size());
        for (int index = 0; index < jobs.size(); index++) {
            String item = JOBS + "[" + index + "]";
            if (!fits(jobs.get(index))) {
                problems.add(new FieldProblem(
                        item,
                        "is larger than " + maxItemBytes / 1024 + " KB as JSON; each job "
                                + "of a batch is capped like the body of a single job"));
                continue;
            }
            try {
                read.add(items.read(jobs.get(index), clientId));
            } catch (InvalidRequestException e) {
                for (FieldProblem problem : e.problems()) {
                    problems.add(
                            "body".equals(problem.field())
                                    ? new FieldProblem(item, "must be a JSON object with type and payload")
                                    : new FieldProblem(item + "." + problem.field(), problem.reason()));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        return new NewBatch(read);
    }

    /** Whether the item, written as compact JSON, fits the cap; stops writing as soon as it does not. */
    private boolean fits(JsonNode item) {
        try {
            json.writeValue(new Budget(maxItemBytes), item);
            return true;
        } catch (JacksonException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof OverBudget) {
                    return false;
                }
            }
            throw e;
        }
    }

    /** Counts what is written and throws once past the budget; keeps nothing. */
    private static final class Budget extends OutputStream {
        private long left;

        Budget(long max) {
            this.left = max;
        }

        @Override
        public void write(int b) throws IOException {
            spend(1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            spend(length);
        }

        private void spend(long n) throws OverBudget {
            left -= n;
            if (left < 0) {
                throw new OverBudget();
            }
        }
    }

    private static final class OverBudget extends IOException {
        OverBudget() {
            super("over the budget");
        }
    }
}
