package io.notifyhub.api.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.notifyhub.api.support.ApiClient;
import io.notifyhub.api.support.ApiIntegrationTest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The email fields the SMTP provider uses, and the line breaks that would let a client inject headers. */
class EmailHeaderTests extends ApiIntegrationTest {

    /** Verifies senders for client "test" as an admin does. */
    private void verifySenders(String senders) {
        HttpResponse<String> set = new ApiClient(port, ApiClient.ADMIN_KEY)
                .put("/api/admin/clients/test", "application/json", "{\"senders\":" + senders + "}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    }

    @Test
    void shouldAcceptFromReplyToAndAnHtmlAlternative() {
        verifySenders("[\"team@example.com\"]");
        HttpResponse<String> response = postJson("""
                {"type":"email","payload":{"recipient":"ada@example.com","subject":"Hi","body":"Hello",
                 "html":"<p>Hello</p>","from":"Team <team@example.com>","replyTo":"help@example.com"}}""");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(JsonPath.<String>read(response.body(), "$.payload.from")).isEqualTo("Team <team@example.com>");
        assertThat(JsonPath.<String>read(response.body(), "$.payload.replyTo")).isEqualTo("help@example.com");
        assertThat(JsonPath.<String>read(response.body(), "$.payload.html")).isEqualTo("<p>Hello</p>");
    }

    @Test
    void shouldNotAddTheOptionalFieldsWhenAbsent() {
        HttpResponse<String> response = postJson(JobApiTests.WELCOME_EMAIL);

        assertThat(response.statusCode()).isEqualTo(201);
        Map<String, Object> payload = JsonPath.read(response.body(), "$.payload");
        assertThat(payload).containsOnlyKeys("recipient", "subject", "body");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "subject   | 'Hi\\r\\nBcc: victim@example.com'",
                "from      | 'team@example.com\\nBcc: victim@example.com'",
                "replyTo   | 'help@example.com\\rBcc: victim@example.com'",
                "recipient | 'ada@example.com\\r\\nBcc: victim@example.com'"
            })
    void shouldRefuseALineBreakInAHeaderField(String field, String value) {
        String payload = """
                {"recipient":"ada@example.com","subject":"Hi","body":"Hello","%s":"%s"}""".formatted(field, value);

        HttpResponse<String> response = postJson("{\"type\":\"email\",\"payload\":" + payload + "}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        List<Map<String, String>> errors = JsonPath.read(response.body(), "$.errors");
        assertThat(errors).anySatisfy(error -> {
            assertThat(error.get("field")).isEqualTo("payload." + field);
            assertThat(error.get("reason")).contains("CR or LF");
        });
        assertThat(storedJobs()).as("nothing stored").isZero();
        assertThat(queuedInAllChannels()).as("nothing published").isZero();
    }

    @Test
    void shouldAcceptOnlySendersVerifiedForTheClientAsAddressesOrWholeDomains() {
        verifySenders("[\"Billing@Example.org\", \"example.com\"]");
        String email = """
                {"type":"email","payload":{"recipient":"ada@example.com","subject":"Hi","body":"Hello","from":"%s"}}""";

        assertThat(postJson(email.formatted("News <news@EXAMPLE.com>")).statusCode())
                .isEqualTo(201);
        assertThat(postJson(email.formatted("billing@example.org")).statusCode())
                .isEqualTo(201);
        for (String unverified : List.of("IT <it@yourbank.example>", "other@example.org", "a@mail.example.com")) {
            HttpResponse<String> refused = postJson(email.formatted(unverified));
            assertThat(refused.statusCode()).as(unverified).isEqualTo(400);
            assertThat(JsonPath.<List<String>>read(refused.body(), "$.errors[*].field"))
                    .containsExactly("payload.from");
            assertThat(JsonPath.<String>read(refused.body(), "$.errors[0].reason"))
                    .contains("not a sender verified");
        }
        // another client has verified none: it may only leave from out
        ApiClient other = new ApiClient(port, ApiClient.OTHER_KEY);
        assertThat(other.postJson(email.formatted("news@example.com")).statusCode())
                .isEqualTo(400);
        assertThat(other.postJson(JobApiTests.WELCOME_EMAIL).statusCode()).isEqualTo(201);
        assertThat(storedJobs()).isEqualTo(3);

        HttpResponse<String> bad = new ApiClient(port, ApiClient.ADMIN_KEY)
                .put(
                        "/api/admin/clients/test",
                        "application/json",
                        "{\"senders\":[\"example.com\", \"not a domain\", 7]}");
        assertThat(JsonPath.<List<String>>read(bad.body(), "$.errors[*].field"))
                .containsExactly("senders[1]", "senders[2]");
    }

    @Test
    void shouldRefuseAFromThatIsNotAnAddress() {
        HttpResponse<String> response = postJson("""
                {"type":"email","payload":{"recipient":"ada@example.com","subject":"Hi","body":"Hello","from":"Team"}}""");

        assertThat(response.statusCode()).isEqualTo(400);
        List<Map<String, String>> errors = JsonPath.read(response.body(), "$.errors");
        assertThat(errors)
                .singleElement()
                .satisfies(error -> assertThat(error.get("field")).isEqualTo("payload.from"));
    }
}
