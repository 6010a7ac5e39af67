package io.notifyhub.api.job;

import io.notifyhub.model.store.JobQueries;
import io.notifyhub.model.store.JobQuery;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * A page of jobs as the API answers it: a JSON array, and the next page in a {@code Link} header when the page
 * is full, by count or by bytes ({@link JobStore#findPage(JobQuery, String, long)}).
 */
final class Pages {

    private Pages() {}

    static ResponseEntity<List<JobView>> of(JobQueries.Page page) {
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok();
        if (page.more() && !page.jobs().isEmpty()) {
            String next = ServletUriComponentsBuilder.fromCurrentRequest()
                    .replaceQueryParam(
                            "cursor", JobQuery.Cursor.of(page.jobs().getLast()).encode())
                    .build()
                    .toUriString();
            ok.header(HttpHeaders.LINK, "<" + next + ">; rel=\"next\"");
        }
        return ok.body(page.jobs().stream().map(JobView::of).toList());
    }
}
