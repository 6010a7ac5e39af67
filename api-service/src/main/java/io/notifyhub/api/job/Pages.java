package io.notifyhub.api.job;

import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobQuery;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** A page of jobs as the API answers it: a JSON array, and the next page in a {@code Link} header when full. */
final class Pages {

    private Pages() {
    }

    static ResponseEntity<List<JobView>> of(List<Job> page, int limit) {
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok();
        if (page.size() == limit) {
            String next = ServletUriComponentsBuilder.fromCurrentRequest()
                    .replaceQueryParam("cursor", JobQuery.Cursor.of(page.getLast()).encode())
                    .build().toUriString();
            ok.header(HttpHeaders.LINK, "<" + next + ">; rel=\"next\"");
        }
        return ok.body(page.stream().map(JobView::of).toList());
    }
}
