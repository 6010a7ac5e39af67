package io.notifyhub.api.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.notifyhub.api.support.ApiIntegrationTest;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobListTests extends ApiIntegrationTest {

    private static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");

    private String email(String recipient) {
        return JsonPath.read(postJson("""
                {"type":"email","payload":{"recipient":"%s","subject":"s","body":"b"}}""".formatted(recipient)).body(), "$._id");
    }

    private String sms(String phone) {
        return JsonPath.read(postJson("""
                {"type":"sms","payload":{"phone":"%s","message":"m"}}""".formatted(phone)).body(), "$._id");
    }

    @Test
    void shouldFilterByTypeRecipientAndTime() throws Exception {
        String a = email("a@example.com");
        Thread.sleep(5);
        Instant between = Instant.now();
        Thread.sleep(5);
        String b = sms("+14155550001");
        String c = email("c@example.com");

        assertThat(ids("/api/jobs?type=email")).containsExactly(c, a);
        assertThat(ids("/api/jobs?type=sms")).containsExactly(b);
        assertThat(ids("/api/jobs?recipient=a@example.com")).containsExactly(a);
        assertThat(ids("/api/jobs?recipient=%2B14155550001")).containsExactly(b);
        assertThat(ids("/api/jobs?createdAfter=" + between)).containsExactly(c, b);
        assertThat(ids("/api/jobs?createdBefore=" + between)).containsExactly(a);
        assertThat(ids("/api/jobs?status=queued&type=email&createdAfter=" + between))
                .containsExactly(c);
        assertThat(ids("/api/jobs?status=sent")).isEmpty();
    }

    @Test
    void shouldPageThroughEveryJobOnceNewestFirstByFollowingTheLinkHeader() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(0, email("p" + i + "@example.com"));
        }

        List<String> seen = new ArrayList<>();
        String path = "/api/jobs?limit=2&type=email";
        int pages = 0;
        while (path != null) {
            HttpResponse<String> page = get(path);
            assertThat(page.statusCode()).isEqualTo(200);
            seen.addAll(JsonPath.<List<String>>read(page.body(), "$[*]._id"));
            path = page.headers()
                    .firstValue("Link")
                    .map(NEXT::matcher)
                    .filter(Matcher::find)
                    .map(m -> URI.create(m.group(1)))
                    .map(u -> u.getRawPath() + "?" + u.getRawQuery())
                    .orElse(null);
            pages++;
        }

        assertThat(seen).containsExactlyElementsOf(created);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void shouldEndAPageEarlyAtItsByteBudgetAndStillReachEveryJobThroughTheLink() {
        // 120 push jobs of about 44 KB each (100 data entries are allowed, 4 KB each: stored as a worker finds them),
        // 5 MB in all: past the 4 MB a page may hold, whatever its limit
        java.util.Map<String, Object> data = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            data.put("k" + i, "v".repeat(4_000) + i);
        }
        List<String> created = new ArrayList<>();
        Instant at = Instant.now().minusSeconds(600);
        for (int i = 0; i < 120; i++) {
            io.notifyhub.model.store.Job job = io.notifyhub.model.store.Job.queued(
                            new org.bson.types.ObjectId(),
                            io.notifyhub.model.Channel.PUSH,
                            java.util.Map.of("token", "t" + i, "title", "t", "body", "b", "data", data),
                            at.plusMillis(i))
                    .ownedBy("test");
            mongo.insert(job);
            created.add(0, job.idHex());
        }

        List<String> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String path = "/api/jobs?limit=500";
        while (path != null) {
            HttpResponse<String> page = get(path);
            assertThat(page.statusCode()).isEqualTo(200);
            List<String> ids = JsonPath.read(page.body(), "$[*]._id");
            seen.addAll(ids);
            sizes.add(page.body().length());
            path = page.headers()
                    .firstValue("Link")
                    .map(NEXT::matcher)
                    .filter(Matcher::find)
                    .map(m -> URI.create(m.group(1)))
                    .map(u -> u.getRawPath() + "?" + u.getRawQuery())
                    .orElse(null);
        }

        assertThat(seen).containsExactlyElementsOf(created);
        assertThat(sizes).hasSize(2);
        assertThat(sizes).allSatisfy(bytes -> assertThat(bytes).isLessThanOrEqualTo(4 * 1024 * 1024 + 50_000));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "createdAfter=%2B300000000-01-01T00:00:00Z | createdAfter",
                "createdBefore=-300000000-01-01T00:00:00Z | createdBefore",
                "status[$ne]=x | status[$ne]",
                "status=bogus | status",
                "type=fax | type",
                "createdAfter=yesterday | createdAfter",
                "status=sent&status=failed | status",
                "cursor=not-a-cursor | cursor",
                "limit=0 | limit",
                "createdAfter=2026-11-23T10:00:00Z&createdBefore=2026-11-23T09:00:00Z | createdAfter"
            })
    void shouldRefuseAQueryThatIsNotPlainValues(String query, String field) {
        HttpResponse<String> response =
                get("/api/jobs?" + query.replace("[", "%5B").replace("]", "%5D").replace("$", "%24"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(JsonPath.<List<String>>read(response.body(), "$.errors[*].field"))
                .contains(field);
    }

    private List<String> ids(String path) {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonPath.read(response.body(), "$[*]._id");
    }
}
