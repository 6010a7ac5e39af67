package io.notifyhub.api.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import io.notifyhub.api.support.ApiClient;
import io.notifyhub.api.support.ApiIntegrationTest;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.store.Attempt;
import io.notifyhub.model.store.AttemptOutcome;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Dead letters over HTTP, on the real RabbitMQ and store. A job is failed the way a worker fails it (claim, then
 * record the failure through the store); the e2e tests fail jobs with real workers.
 */
class DeadLetterTests extends ApiIntegrationTest {

    private static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");

    @Autowired
    JobStore store;

    private String email(String recipient) {
        return published(JsonPath.read(postJson("""
                {"type":"email","payload":{"recipient":"%s","subject":"s","body":"b"}}""".formatted(recipient)).body(), "$._id"));
    }

    private String sms() {
        return published(JsonPath.read(postJson("""
                {"type":"sms","payload":{"phone":"+14155550123","message":"m"}}""").body(), "$._id"));
    }

    /** The API publishes just after its answer: wait for that, so a purge afterwards leaves no message behind. */
    private String published(String id) {
        await().atMost(Duration.ofSeconds(5))
                .until(() -> store.find(id).orElseThrow().publishedAt() != null);
        return id;
    }

    private String fail(String id) {
        Instant now = Instant.now();
        Job claimed = store.claim(new ObjectId(id), "worker-1", now, Duration.ofMinutes(2))
                .orElseThrow();
        assertThat(store.recordFailed(
                        claimed,
                        new Attempt(1, now, now, "worker-1", "simulated", AttemptOutcome.FAILED, "mailbox unknown"),
                        now))
                .isTrue();
        return id;
    }

    private void purgeWorkQueues() {
        for (Channel channel : Channel.values()) {
            rabbitAdmin.purgeQueue(io.notifyhub.model.topology.Topology.workQueue(channel), false);
        }
    }

    @Test
    void shouldListOnlyFailedJobsNewestFirstWithTheFiltersOfJobs() {
        String a = fail(email("a@example.com"));
        String b = fail(sms());
        String c = fail(email("c@example.com"));
        email("queued@example.com");

        assertThat(ids("/api/dead-letters")).containsExactly(c, b, a);
        assertThat(ids("/api/dead-letters?type=email")).containsExactly(c, a);
        assertThat(ids("/api/dead-letters?recipient=a@example.com")).containsExactly(a);
        String job = get("/api/dead-letters?type=sms").body();
        assertThat(JsonPath.<String>read(job, "$[0].error")).isEqualTo("mailbox unknown");
    }

    @Test
    void shouldPageDeadLettersByFollowingTheLinkHeader() {
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            failed.add(0, fail(email("p" + i + "@example.com")));
            email("not-failed" + i + "@example.com");
        }

        List<String> seen = new ArrayList<>();
        String path = "/api/dead-letters?limit=2";
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
        }

        assertThat(seen).containsExactlyElementsOf(failed);
    }

    @Test
    void shouldRetryAFailedJobResettingAttemptsKeepingHistoryAndPublishingItAtOnce() {
        String id = fail(email("a@example.com"));
        purgeWorkQueues();

        HttpResponse<String> response = post("/api/jobs/" + id + "/retry", null, "");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JsonPath.<String>read(response.body(), "$.status")).isEqualTo("queued");
        assertThat(JsonPath.<Integer>read(response.body(), "$.attempts")).isZero();
        assertThat(JsonPath.<List<String>>read(response.body(), "$.history[*].outcome"))
                .containsExactly("failed", "requeued");
        assertThat(JsonPath.<java.util.Map<String, Object>>read(response.body(), "$"))
                .doesNotContainKey("error");
        assertThat(queued(Channel.EMAIL)).isEqualTo(1);
        assertThat(store.find(id).orElseThrow().publishedAt()).isNotNull();
        assertThat(ids("/api/dead-letters")).isEmpty();
    }

    @Test
    void shouldAnswer409WithTheStatusWhenTheJobIsNotFailedAnd404WhenUnknown() {
        String id = email("a@example.com");

        HttpResponse<String> conflict = post("/api/jobs/" + id + "/retry", null, "");
        HttpResponse<String> unknown = post("/api/jobs/" + new ObjectId() + "/retry", null, "");

        assertThat(conflict.statusCode()).isEqualTo(409);
        assertThat(conflict.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JsonPath.<String>read(conflict.body(), "$.jobStatus")).isEqualTo("queued");
        assertThat(store.find(id).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    void shouldReplayTheFailedJobsMatchingTheFilterAndLeaveTheOthers() {
        String a1 = fail(email("a@example.com"));
        String a2 = fail(email("a@example.com"));
        String b = fail(email("b@example.com"));
        String s = fail(sms());
        purgeWorkQueues();

        assertThat(post("/api/dead-letters/replay?type=email", null, "").statusCode())
                .as("a client key")
                .isEqualTo(403);
        HttpResponse<String> replayed =
                admin().post("/api/dead-letters/replay?type=email&recipient=a@example.com", null, "");

        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(200);
        assertThat(JsonPath.<Integer>read(replayed.body(), "$.replayed")).isEqualTo(2);
        assertThat(store.find(a1).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
        assertThat(store.find(a2).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);
        assertThat(ids("/api/dead-letters")).containsExactly(s, b);
        assertThat(queued(Channel.EMAIL)).isEqualTo(2);
        assertThat(queued(Channel.SMS)).isZero();

        HttpResponse<String> one = admin().post("/api/dead-letters/replay?limit=1", null, "");
        assertThat(JsonPath.<Integer>read(one.body(), "$.replayed")).isEqualTo(1);
        assertThat(ids("/api/dead-letters")).containsExactly(b);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "/api/dead-letters?status=failed | status",
                "/api/dead-letters?type=fax | type",
                "/api/dead-letters/replay?limit=0 | limit",
                "/api/dead-letters/replay?limit=10001 | limit",
                "/api/dead-letters/replay?status=failed | status",
                "/api/dead-letters/replay?cursor=abc | cursor",
                "/api/dead-letters/replay?createdAfter=yesterday | createdAfter",
                "/api/dead-letters/replay?recipient%5B%24ne%5D=x | recipient[$ne]"
            })
    void shouldRefuseABadFilterNamingTheParameterAndChangeNothing(String path, String field) {
        String failed = fail(email("a@example.com"));

        HttpResponse<String> response = path.contains("replay") ? admin().post(path, null, "") : get(path);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(JsonPath.<List<String>>read(response.body(), "$.errors[*].field"))
                .contains(field);
        assertThat(store.find(failed).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
    }

    @Test
    void shouldRetryAHighPriorityJobToItsHighQueue() {
        String id = fail(published(JsonPath.read(postJson("""
                {"type":"sms","priority":"high","payload":{"phone":"+14155550123","message":"code"}}""").body(), "$._id")));
        purgeWorkQueues();
        rabbitAdmin.purgeQueue(
                io.notifyhub.model.topology.Topology.workQueue(Channel.SMS, io.notifyhub.model.Priority.HIGH), false);

        assertThat(post("/api/jobs/" + id + "/retry", null, "").statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(5))
                .until(() -> rabbitAdmin
                                .getQueueInfo(io.notifyhub.model.topology.Topology.workQueue(
                                        Channel.SMS, io.notifyhub.model.Priority.HIGH))
                                .getMessageCount()
                        == 1);
        assertThat(queued(Channel.SMS)).as("not the normal queue").isZero();
    }

    @Test
    void shouldKeepOneClientsDeadLettersFromAnother() {
        String failed = fail(email("a@example.com"));
        ApiClient other = new ApiClient(port, ApiClient.OTHER_KEY);

        assertThat(JsonPath.<List<String>>read(other.get("/api/dead-letters").body(), "$[*]._id"))
                .isEmpty();
        assertThat(other.post("/api/jobs/" + failed + "/retry", null, "").statusCode())
                .isEqualTo(404);
        assertThat(store.find(failed).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
        assertThat(JsonPath.<List<String>>read(admin().get("/api/dead-letters").body(), "$[*]._id"))
                .containsExactly(failed);
    }

    private ApiClient admin() {
        return new ApiClient(port, ApiClient.ADMIN_KEY);
    }

    private List<String> ids(String path) {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonPath.read(response.body(), "$[*]._id");
    }
}
