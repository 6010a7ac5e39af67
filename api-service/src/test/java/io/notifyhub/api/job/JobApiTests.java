package io.notifyhub.api.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import io.notifyhub.api.support.ApiIntegrationTest;
import io.notifyhub.model.Channel;
import io.notifyhub.model.store.Job;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

public class JobApiTests extends ApiIntegrationTest {

    public static final String WELCOME_EMAIL = """
            {"type":"email","payload":{"recipient":"user@example.com","subject":"Welcome!","body":"Thank you for signing up"}}""";

    @Test
    void shouldStoreAndPublishAnEmailJob() {
        HttpResponse<String> response = postJson(WELCOME_EMAIL);

        assertThat(response.statusCode()).isEqualTo(201);
        String id = JsonPath.read(response.body(), "$._id");
        assertThat(response.headers().firstValue("Location")).hasValue("/api/jobs/" + id);
        assertThat(JsonPath.<String>read(response.body(), "$.type")).isEqualTo("email");
        assertThat(JsonPath.<String>read(response.body(), "$.status")).isEqualTo("queued");
        assertThat(JsonPath.<Integer>read(response.body(), "$.attempts")).isZero();
        assertThat(JsonPath.<String>read(response.body(), "$.payload.recipient"))
                .isEqualTo("user@example.com");
        assertThat(Instant.parse(JsonPath.read(response.body(), "$.createdAt"))).isBeforeOrEqualTo(Instant.now());
        assertThat(JsonPath.<String>read(response.body(), "$.updatedAt")).isNotBlank();

        assertThat(mongo.findById(new ObjectId(id), Job.class))
                .as("stored before the answer")
                .isNotNull();
        // published just after the answer, with the next batch
        await().atMost(Duration.ofSeconds(5)).until(() -> queued(Channel.EMAIL) == 1);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(
                                mongo.findById(new ObjectId(id), Job.class).publishedAt())
                        .as("confirmed by the broker")
                        .isNotNull());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validJobs")
    void shouldAcceptEachChannel(Channel channel, String body) {
        HttpResponse<String> response = postJson(body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(JsonPath.<String>read(response.body(), "$.type")).isEqualTo(channel.value());
        assertThat(storedJobs()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> queued(channel) == 1);
    }

    static Stream<Arguments> validJobs() {
        return Stream.of(
                Arguments.of(Channel.EMAIL, WELCOME_EMAIL),
                Arguments.of(Channel.SMS, """
                        {"type":"sms","payload":{"phone":"+14155550123","message":"Your code is 123456"}}"""),
                Arguments.of(Channel.PUSH, """
                        {"type":"push","payload":{"token":"fcm-token-1","title":"Hi","body":"New message","data":{"chat":"42"}}}"""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidBodies")
    void shouldRefuseAnInvalidBodyAndChangeNothing(String name, String contentType, String body, String field) {
        HttpResponse<String> response = post("/api/jobs", contentType, body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(JsonPath.<Integer>read(response.body(), "$.status")).isEqualTo(400);
        List<Map<String, String>> errors = JsonPath.read(response.body(), "$.errors");
        assertThat(errors).extracting(e -> e.get("field")).contains(field);
        assertThat(errors).allSatisfy(e -> assertThat(e.get("reason")).isNotBlank());
        assertThat(storedJobs()).as("nothing stored").isZero();
        assertThat(queuedInAllChannels()).as("nothing published").isZero();
    }

    static Stream<Arguments> invalidBodies() {
        String json = "application/json";
        return Stream.of(
                Arguments.of("missing type", json, """
                        {"payload":{"recipient":"user@example.com","subject":"s","body":"b"}}""", "type"),
                Arguments.of("unknown type", json, """
                        {"type":"fax","payload":{"recipient":"user@example.com","subject":"s","body":"b"}}""", "type"),
                Arguments.of("invalid email", json, """
                        {"type":"email","payload":{"recipient":"not-an-address","subject":"s","body":"b"}}""", "payload.recipient"),
                Arguments.of("missing subject", json, """
                        {"type":"email","payload":{"recipient":"user@example.com","body":"b"}}""", "payload.subject"),
                Arguments.of("non-E.164 phone", json, """
                        {"type":"sms","payload":{"phone":"0155 5501 23","message":"hi"}}""", "payload.phone"),
                Arguments.of("push without token", json, """
                        {"type":"push","payload":{"title":"t","body":"b"}}""", "payload.token"),
                Arguments.of("missing payload", json, """
                        {"type":"email"}""", "payload"),
                Arguments.of("payload not an object", json, """
                        {"type":"email","payload":"hello"}""", "payload"),
                Arguments.of("number where text belongs", json, """
                        {"type":"sms","payload":{"phone":"+14155550123","message":12}}""", "payload.message"),
                Arguments.of("unknown payload field", json, """
                        {"type":"sms","payload":{"phone":"+14155550123","message":"hi","cc":"x"}}""", "payload.cc"),
                Arguments.of("malformed JSON", json, "{\"type\":\"email\",", "body"),
                Arguments.of("empty body", json, "", "body"),
                Arguments.of("wrong content type", "text/plain", WELCOME_EMAIL, "Content-Type"));
    }

    @Test
    void shouldShowAStoredJob() {
        String id = JsonPath.read(postJson(WELCOME_EMAIL).body(), "$._id");

        HttpResponse<String> response = get("/api/jobs/" + id);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<String>read(response.body(), "$._id")).isEqualTo(id);
        assertThat(JsonPath.<String>read(response.body(), "$.payload.subject")).isEqualTo("Welcome!");
    }

    @Test
    void shouldAnswer404ProblemForAnUnknownJob() {
        for (String id : List.of(new ObjectId().toHexString(), "not-an-id")) {
            HttpResponse<String> response = get("/api/jobs/" + id);

            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(JsonPath.<String>read(response.body(), "$.detail")).contains(id);
        }
    }

    @Test
    void shouldListNewestFirstAndBounded() {
        List<String> ids = Stream.of("a", "b", "c")
                .map(s -> WELCOME_EMAIL.replace("Welcome!", s))
                .map(body -> JsonPath.<String>read(postJson(body).body(), "$._id"))
                .toList();

        HttpResponse<String> all = get("/api/jobs");
        HttpResponse<String> two = get("/api/jobs?limit=2");

        assertThat(JsonPath.<List<String>>read(all.body(), "$[*]._id"))
                .containsExactly(ids.get(2), ids.get(1), ids.get(0));
        assertThat(JsonPath.<List<String>>read(two.body(), "$[*]._id")).containsExactly(ids.get(2), ids.get(1));
    }

    @Test
    void shouldRefuseALimitOutOfBounds() {
        for (String limit : List.of("0", "501", "many")) {
            HttpResponse<String> response = get("/api/jobs?limit=" + limit);

            assertThat(response.statusCode()).as(limit).isEqualTo(400);
            assertThat(JsonPath.<String>read(response.body(), "$.errors[0].field"))
                    .isEqualTo("limit");
        }
    }
}
