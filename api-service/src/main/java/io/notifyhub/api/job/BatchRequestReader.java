package io.notifyhub.api.job;

import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Turns a batch body {@code {"jobs": [...]}} into a {@link NewBatch}, validated as a whole: every item is read
 * like the body of {@code POST /api/jobs}, and any bad item refuses the batch, each problem named by the item's
 * index ({@code jobs[3].payload.recipient}).
 */
@Component
class BatchRequestReader {

    private static final String JOBS = "jobs";

    private final JobRequestReader items;

    BatchRequestReader(JobRequestReader items) {
        this.items = items;
    }

    NewBatch read(JsonNode body) {
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
            problems.add(new FieldProblem(JOBS, "must hold at most " + NewBatch.MAX_JOBS + " jobs, has "
                    + jobs.size() + "; split it into several batches"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        List<NewJob> read = new ArrayList<>(jobs.size());
        for (int index = 0; index < jobs.size(); index++) {
            String item = JOBS + "[" + index + "]";
            try {
                read.add(items.read(jobs.get(index)));
            } catch (InvalidRequestException e) {
                for (FieldProblem problem : e.problems()) {
                    problems.add("body".equals(problem.field())
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
}
