package io.notifyhub.api.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import io.notifyhub.api.idempotency.IdempotencyKeys;
import io.notifyhub.api.support.ApiClient;
import io.notifyhub.api.support.ApiIntegrationTest;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.Priority;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import io.notifyhub.model.topology.Topology;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class BatchTests extends ApiIntegrationTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String SMS = """
            {"type":"sms","payload":{"phone":"+14155550123","message":"Your code is 123456"}}""";
    private static final String PUSH = """
            {"type":"push","payload":{"token":"device-1","title":"Hi","body":"You have mail"}}""";

    @Autowired
    JobStore store;

    @BeforeEach
    void forgetKeys() {
        mongo.getCollection("idempotency_keys").deleteMany(new Document());
    }

    @Test
    void shouldStoreAndPublishEveryJobAndAnswerTheIdsInRequestOrder() {
        String highSms = SMS.replace("\"type\":\"sms\"", "\"type\":\"sms\",\"priority\":\"high\"");
        String scheduledPush = PUSH.replace(
                "\"type\":\"push\"",
                "\"type\":\"push\",\"scheduledAt\":\"" + Instant.now().plus(Duration.ofHours(1)) + "\"");

        HttpResponse<String> response = postBatch(null, JobApiTests.WELCOME_EMAIL, highSms, scheduledPush, SMS);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        List<String> ids = JsonPath.read(response.body(), "$.ids");
        assertThat(ids).hasSize(4).doesNotHaveDuplicates();
        // answered once stored; the messages go out just after, with the publisher's next batch
        await().atMost(Duration.ofSeconds(10)).until(() -> batching.waiting() == 0);
        List<Job> jobs = ids.stream().map(id -> store.find(id).orElseThrow()).toList();
        assertThat(jobs).extracting(Job::type).containsExactly(Channel.EMAIL, Channel.SMS, Channel.PUSH, Channel.SMS);
        assertThat(jobs)
                .extracting(Job::priority)
                .containsExactly(Priority.NORMAL, Priority.HIGH, Priority.NORMAL, Priority.NORMAL);
        assertThat(jobs)
                .extracting(Job::status)
                .containsExactly(JobStatus.QUEUED, JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.QUEUED);
        assertThat(jobs.get(0).payload()).containsEntry("recipient", "user@example.com");
        assertThat(jobs.get(2).publishedAt())
                .as("scheduled: not published before it is due")
                .isNull();
        assertThat(jobs)
                .filteredOn(job -> job.status() == JobStatus.QUEUED)
                .allSatisfy(job -> assertThat(job.publishedAt()).isNotNull());
        assertThat(queued(Channel.EMAIL)).isEqualTo(1);
        assertThat(queued(Channel.SMS)).isEqualTo(1);
        assertThat(queuedHigh(Channel.SMS))
                .as("the high job in the sms high queue")
                .isEqualTo(1);
        assertThat(queued(Channel.PUSH)).isZero();
        assertThat(storedJobs()).isEqualTo(4);
    }

    @Test
    void shouldRefuseTheWholeBatchNamingEachBadItemByIndex() {
        String badRecipient = JobApiTests.WELCOME_EMAIL.replace("user@example.com", "not-an-address");
        String noType = "{\"payload\":{\"phone\":\"+14155550123\",\"message\":\"hi\"}}";

        HttpResponse<String> response = postBatch(null, SMS, badRecipient, PUSH, noType, "42");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JsonPath.<List<String>>read(response.body(), "$.errors[*].field"))
                .containsExactlyInAnyOrder("jobs[1].payload.recipient", "jobs[3].type", "jobs[4]");
        assertThat(storedJobs()).isZero();
        assertThat(queuedInAllChannels()).isZero();
    }

    @Test
    void shouldRefuseMoreThanAThousandJobsSayingWhy() {
        String[] items = IntStream.range(0, 1001).mapToObj(i -> SMS).toArray(String[]::new);

        HttpResponse<String> response = postBatch(null, items);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JsonPath.<String>read(response.body(), "$.errors[0].field")).isEqualTo("jobs");
        assertThat(JsonPath.<String>read(response.body(), "$.errors[0].reason"))
                .isEqualTo("must hold at most 1000 jobs, has 1001; split it into several batches");
        assertThat(storedJobs()).isZero();
    }

    @Test
    void shouldRefuseAMissingOrEmptyJobsArrayAndUnknownFields() {
        HttpResponse<String> empty = post("/api/jobs/batch", "application/json", "{\"jobs\":[]}");
        HttpResponse<String> missing = post("/api/jobs/batch", "application/json", "{\"job\":[]}");

        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(JsonPath.<String>read(empty.body(), "$.errors[0].reason")).isEqualTo("must hold at least 1 job");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(JsonPath.<List<String>>read(missing.body(), "$.errors[*].field"))
                .containsExactly("job", "jobs");
        assertThat(storedJobs()).isZero();
    }

    @Test
    void shouldTakeAThousandJobsInOneRequest() {
        String[] items = IntStream.range(0, 1000)
                .mapToObj(i -> SMS.replace("123456", String.format("%06d", i)))
                .toArray(String[]::new);

        long started = System.nanoTime();
        HttpResponse<String> response = postBatch(null, items);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        List<String> ids = JsonPath.read(response.body(), "$.ids");
        assertThat(ids).hasSize(1000).doesNotHaveDuplicates();
        assertThat(store.find(ids.get(999)).orElseThrow().payload()).containsEntry("message", "Your code is 000999");
        assertThat(storedJobs()).isEqualTo(1000);
        await().atMost(Duration.ofSeconds(5)).until(() -> queued(Channel.SMS) == 1000);
        System.out.printf("BatchTests: 1,000 jobs stored and published in %d ms%n", took.toMillis());
    }

    @Test
    void shouldReplayABatchWithTheSameKeyAndRefuseADifferentOne() {
        String key = UUID.randomUUID().toString();

        HttpResponse<String> first = postBatch(key, SMS, PUSH);
        HttpResponse<String> again = postBatch(key, SMS, PUSH);
        HttpResponse<String> other = postBatch(key, PUSH, SMS);
        HttpResponse<String> single = post("/api/jobs", "application/json", SMS);

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(single.statusCode()).isEqualTo(201);
        assertThat(storedJobs()).as("two from the batch, one single").isEqualTo(3);
        await().during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(5))
                .until(() -> queued(Channel.SMS) == 2 && queued(Channel.PUSH) == 1);
    }

    @Test
    void shouldFinishABatchWhoseFirstTryDiedWithTheSameIdsAndNoCopies() {
        String key = UUID.randomUUID().toString();
        // the first try fixed the key's ids and stored its first job, then died before answering
        ObjectId base = new ObjectId();
        mongo.getCollection("idempotency_keys")
                .insertOne(new Document("_id", IdempotencyKeys.scoped("test", key))
                        .append("requestHash", new NewBatch(List.of(sms(), push())).fingerprint())
                        .append("jobId", base)
                        .append("createdAt", java.util.Date.from(Instant.now()))
                        .append("lockedUntil", java.util.Date.from(Instant.now().minusSeconds(1))));
        store.insert(sms().toJob(NewBatch.derive(base, 0), Instant.now()));

        HttpResponse<String> retried = postBatch(key, SMS, PUSH);

        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(201);
        assertThat(JsonPath.<List<String>>read(retried.body(), "$.ids"))
                .containsExactly(
                        NewBatch.derive(base, 0).toHexString(),
                        NewBatch.derive(base, 1).toHexString());
        assertThat(storedJobs()).isEqualTo(2);
    }

    private static NewJob sms() {
        return new NewJob(
                Channel.SMS,
                Map.of("phone", "+14155550123", "message", "Your code is 123456"),
                Priority.NORMAL,
                null,
                null);
    }

    private static NewJob push() {
        return new NewJob(
                Channel.PUSH,
                Map.of("token", "device-1", "title", "Hi", "body", "You have mail"),
                Priority.NORMAL,
                null,
                null);
    }

    private long queuedHigh(Channel channel) {
        var info = rabbitAdmin.getQueueInfo(Topology.workQueue(channel, Priority.HIGH));
        return info == null ? 0 : info.getMessageCount();
    }

    private HttpResponse<String> postBatch(String key, String... jobs) {
        String body = "{\"jobs\":[" + String.join(",", jobs) + "]}";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/jobs/batch"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + ApiClient.TEST_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
