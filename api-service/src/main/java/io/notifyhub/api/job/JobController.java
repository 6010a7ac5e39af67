package io.notifyhub.api.job;

import io.notifyhub.model.store.JobStore;
import java.net.URI;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping(path = "/api/jobs", produces = MediaType.APPLICATION_JSON_VALUE)
class JobController {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private final JobRequestReader reader;
    private final JobService service;
    private final JobStore store;

    JobController(JobRequestReader reader, JobService service, JobStore store) {
        this.reader = reader;
        this.service = service;
        this.store = store;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JobView> create(@RequestBody JsonNode body) {
        JobView job = JobView.of(service.accept(reader.read(body)));
        return ResponseEntity.created(URI.create("/api/jobs/" + job.id())).body(job);
    }

    @GetMapping("/{id}")
    JobView get(@PathVariable String id) {
        return store.find(id).map(JobView::of).orElseThrow(() -> new JobNotFoundException(id));
    }

    /** The newest jobs first, at most {@code limit} of them. */
    @GetMapping
    List<JobView> list(@RequestParam(defaultValue = "" + DEFAULT_LIMIT) int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidRequestException("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return store.findNewest(limit).stream().map(JobView::of).toList();
    }
}
