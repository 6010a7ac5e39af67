package io.notifyhub.api.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import io.notifyhub.api.idempotency.IdempotencyKeys;
import io.notifyhub.api.support.ApiClient;
import io.notifyhub.api.support.ApiIntegrationTest;
import io.notifyhub.model.Channel;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IdempotencyTests extends ApiIntegrationTest {

    private static final String OTHER_EMAIL = JobApiTests.WELCOME_EMAIL.replace("Welcome!", "Goodbye!");

    @BeforeEach
    void forgetKeys() {
        mongo.getCollection("idempotency_keys").deleteMany(new Document());
    }

    @Test
    void shouldAnswerARepeatWithTheOriginalResponseAndStoreOneJob() {
        String key = UUID.randomUUID().toString();

        HttpResponse<String> first = postWithKey(key, JobApiTests.WELCOME_EMAIL);
        HttpResponse<String> again = postWithKey(key, JobApiTests.WELCOME_EMAIL);

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.headers().firstValue("Location"))
                .isEqualTo(first.headers().firstValue("Location"));
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(storedJobs()).isEqualTo(1);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> queued(Channel.EMAIL) == 1);
    }

    @Test
    void shouldTreatTheSameJsonInAnotherKeyOrderAsTheSameRequest() {
        String key = UUID.randomUUID().toString();
        String reordered = """
                {"payload":{"body":"Thank you for signing up","subject":"Welcome!","recipient":"user@example.com"},"type":"email"}""";

        String first = JsonPath.read(postWithKey(key, JobApiTests.WELCOME_EMAIL).body(), "$._id");
        HttpResponse<String> again = postWithKey(key, reordered);

        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(JsonPath.<String>read(again.body(), "$._id")).isEqualTo(first);
    }

    @Test
    void shouldRefuseTheSameKeyWithADifferentBodyWith422() {
        String key = UUID.randomUUID().toString();
        postWithKey(key, JobApiTests.WELCOME_EMAIL);

        HttpResponse<String> other = postWithKey(key, OTHER_EMAIL);

        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(other.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JsonPath.<String>read(other.body(), "$.detail")).contains("different request");
        assertThat(storedJobs()).isEqualTo(1);
    }

    @Test
    void shouldAnswer409WhileTheFirstRequestIsInFlight() {
        String key = UUID.randomUUID().toString();
        inFlight(key, fingerprintOfWelcomeEmail(), Instant.now().plusSeconds(30));

        HttpResponse<String> response = postWithKey(key, JobApiTests.WELCOME_EMAIL);

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(storedJobs()).isZero();
    }

    @Test
    void shouldFinishARequestWhoseFirstTryDiedWithTheSameJobId() {
        String key = UUID.randomUUID().toString();
        ObjectId reserved =
                inFlight(key, fingerprintOfWelcomeEmail(), Instant.now().minusSeconds(1));

        HttpResponse<String> response = postWithKey(key, JobApiTests.WELCOME_EMAIL);

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(JsonPath.<String>read(response.body(), "$._id")).isEqualTo(reserved.toHexString());
        assertThat(postWithKey(key, JobApiTests.WELCOME_EMAIL).body()).isEqualTo(response.body());
        assertThat(storedJobs()).isEqualTo(1);
    }

    @Test
    void shouldLetOnlyOneOfManyConcurrentRepeatsCreateAJob() throws Exception {
        String key = UUID.randomUUID().toString();
        List<Callable<HttpResponse<String>>> repeats = IntStream.range(0, 10)
                .<Callable<HttpResponse<String>>>mapToObj(i -> () -> postWithKey(key, JobApiTests.WELCOME_EMAIL))
                .toList();

        List<HttpResponse<String>> responses;
        try (ExecutorService pool = Executors.newFixedThreadPool(10)) {
            responses = pool.invokeAll(repeats).stream()
                    .map(f -> {
                        try {
                            return f.get();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .toList();
        }

        assertThat(responses).extracting(HttpResponse::statusCode).allMatch(s -> s == 201 || s == 409);
        assertThat(responses.stream()
                        .filter(r -> r.statusCode() == 201)
                        .map(r -> JsonPath.<String>read(r.body(), "$._id"))
                        .distinct())
                .hasSize(1);
        assertThat(storedJobs()).isEqualTo(1);
    }

    @Test
    void shouldStartOverWithAKeyOlderThanItsTtl() {
        String key = UUID.randomUUID().toString();
        String first = JsonPath.read(postWithKey(key, JobApiTests.WELCOME_EMAIL).body(), "$._id");
        mongo.getCollection("idempotency_keys")
                .updateOne(
                        new Document("_id", IdempotencyKeys.scoped("test", key)),
                        new Document(
                                "$set",
                                new Document(
                                        "createdAt",
                                        java.util.Date.from(Instant.now().minus(Duration.ofHours(25))))));

        HttpResponse<String> later = postWithKey(key, OTHER_EMAIL);

        assertThat(later.statusCode()).isEqualTo(201);
        assertThat(JsonPath.<String>read(later.body(), "$._id")).isNotEqualTo(first);
        assertThat(storedJobs()).isEqualTo(2);
    }

    @Test
    void shouldRefuseAnUnusableKeyAndNotSpendAKeyOnAnInvalidBody() {
        HttpResponse<String> badKey = postWithKey("x".repeat(256), JobApiTests.WELCOME_EMAIL);
        assertThat(badKey.statusCode()).isEqualTo(400);
        assertThat(JsonPath.<String>read(badKey.body(), "$.errors[0].field")).isEqualTo("Idempotency-Key");

        String key = UUID.randomUUID().toString();
        assertThat(postWithKey(key, "{\"type\":\"email\"}").statusCode()).isEqualTo(400);
        assertThat(postWithKey(key, JobApiTests.WELCOME_EMAIL).statusCode()).isEqualTo(201);
        assertThat(storedJobs()).isEqualTo(1);
    }

    private ObjectId inFlight(String key, String fingerprint, Instant lockedUntil) {
        ObjectId jobId = new ObjectId();
        mongo.getCollection("idempotency_keys")
                .insertOne(new Document("_id", IdempotencyKeys.scoped("test", key))
                        .append("requestHash", fingerprint)
                        .append("jobId", jobId)
                        .append("createdAt", java.util.Date.from(Instant.now()))
                        .append("lockedUntil", java.util.Date.from(lockedUntil)));
        return jobId;
    }

    private static String fingerprintOfWelcomeEmail() {
        return new NewJob(
                        Channel.EMAIL,
                        Map.of(
                                "recipient",
                                "user@example.com",
                                "subject",
                                "Welcome!",
                                "body",
                                "Thank you for signing up"),
                        io.notifyhub.model.Priority.NORMAL,
                        null,
                        null)
                .fingerprint();
    }

    private HttpResponse<String> postWithKey(String key, String body) {
        return new ApiClient(port).post("/api/jobs", "application/json", body, Map.of("Idempotency-Key", key));
    }
}
