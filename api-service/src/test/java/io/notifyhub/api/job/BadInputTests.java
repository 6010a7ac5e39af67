package io.notifyhub.api.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.notifyhub.api.auth.ApiKey;
import io.notifyhub.api.support.ApiClient;
import io.notifyhub.api.support.ApiIntegrationTest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input table: each case is sent as a client would send it, and must get its status and problem
 * (RFC 9457, naming the field where there is one), store nothing, publish nothing, and leave the API healthy.
 */
class BadInputTests extends ApiIntegrationTest {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String REVOKED_KEY = "nhk_revokedkey_dddddddddddddddddddddddd";

    /** One row of the table. {@code field} is the field the problem must name, or null when there is none. */
    record Case(
            String name,
            String method,
            String path,
            String contentType,
            byte[] body,
            Map<String, String> headers,
            int status,
            String title,
            String field) {

        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeEach
    void revokedKey() {
        mongo.save(new ApiKey(
                io.notifyhub.api.auth.ApiKeysAccess.hash(REVOKED_KEY),
                "revokedkey",
                "test",
                false,
                Instant.now().minusSeconds(60),
                Instant.now().minusSeconds(30)));
    }

    static Stream<Case> cases() {
        List<Case> all = new ArrayList<>();
        // malformed bodies
        all.add(post("malformed JSON", "{\"type\":", 400, "body"));
        all.add(post("truncated JSON", "{\"type\":\"email\",\"payload\":{\"recipient\":\"a@b.co\"", 400, "body"));
        all.add(post("empty body", "", 400, "body"));
        all.add(post("a JSON array, not an object", "[]", 400, "body"));
        all.add(post("a JSON string, not an object", "\"hello\"", 400, "body"));
        all.add(post("the JSON null", "null", 400, "body"));
        all.add(post("two JSON documents", "{}{}", 400, "body"));
        all.add(bytes(
                "invalid UTF-8",
                concat(
                        "{\"type\":\"email\",\"payload\":{\"recipient\":\"a@b.co\",\"subject\":\"",
                        new byte[] {(byte) 0xC3, (byte) 0x28},
                        "\",\"body\":\"x\"}}"),
                400,
                "body"));
        all.add(post(
                "deep nesting",
                "{\"type\":\"push\",\"payload\":{\"token\":\"t\",\"title\":\"t\",\"body\":\"b\",\"data\":"
                        + "[".repeat(5000) + "]".repeat(5000) + "}}",
                400,
                "body"));
        // content type
        all.add(new Case(
                "text/plain content type",
                "POST",
                "/api/jobs",
                "text/plain",
                utf8(email("a@b.co", "Hi")),
                Map.of(),
                400,
                "Invalid request",
                "Content-Type"));
        all.add(new Case(
                "no content type",
                "POST",
                "/api/jobs",
                null,
                utf8(email("a@b.co", "Hi")),
                Map.of(),
                400,
                "Invalid request",
                "Content-Type"));
        all.add(new Case(
                "form content type",
                "POST",
                "/api/jobs",
                "application/x-www-form-urlencoded",
                utf8("type=email"),
                Map.of(),
                400,
                "Invalid request",
                "Content-Type"));
        // structure and types
        all.add(post(
                "type missing",
                "{\"payload\":{\"recipient\":\"a@b.co\",\"subject\":\"s\",\"body\":\"b\"}}",
                400,
                "type"));
        all.add(post("type unknown", email("a@b.co", "Hi").replace("\"email\"", "\"fax\""), 400, "type"));
        all.add(post("type a number", email("a@b.co", "Hi").replace("\"email\"", "1"), 400, "type"));
        all.add(post("type empty", email("a@b.co", "Hi").replace("\"email\"", "\"\""), 400, "type"));
        all.add(post("payload missing", "{\"type\":\"email\"}", 400, "payload"));
        all.add(post("payload an array", "{\"type\":\"email\",\"payload\":[]}", 400, "payload"));
        all.add(post(
                "unknown top-level field",
                "{\"type\":\"sms\",\"payload\":{\"phone\":\"+14155550123\",\"message\":\"m\"}," + "\"tenant\":\"x\"}",
                400,
                "tenant"));
        all.add(post(
                "unknown payload field",
                "{\"type\":\"sms\",\"payload\":{\"phone\":\"+14155550123\",\"message\":\"m\"," + "\"cc\":\"x\"}}",
                400,
                "payload.cc"));
        all.add(post(
                "recipient a number",
                "{\"type\":\"email\",\"payload\":{\"recipient\":42,\"subject\":\"s\",\"body\":\"b\"}}",
                400,
                "payload.recipient"));
        all.add(post(
                "message a boolean",
                "{\"type\":\"sms\",\"payload\":{\"phone\":\"+14155550123\",\"message\":true}}",
                400,
                "payload.message"));
        all.add(post(
                "push data value an object",
                "{\"type\":\"push\",\"payload\":{\"token\":\"t\",\"title\":\"t\",\"body\":\"b\","
                        + "\"data\":{\"k\":{\"v\":1}}}}",
                400,
                "payload.data.k"));
        // empty and huge values
        all.add(post("recipient empty", email("", "Hi"), 400, "payload.recipient"));
        all.add(post("subject empty", email("a@b.co", ""), 400, "payload.subject"));
        all.add(post(
                "message blank",
                "{\"type\":\"sms\",\"payload\":{\"phone\":\"+14155550123\",\"message\":\"   \"}}",
                400,
                "payload.message"));
        all.add(post("subject of 999 characters", email("a@b.co", "s".repeat(999)), 400, "payload.subject"));
        all.add(post("recipient of 400 characters", email("a".repeat(390) + "@b.co", "Hi"), 400, "payload.recipient"));
        all.add(post(
                "push data with 101 entries",
                "{\"type\":\"push\",\"payload\":{\"token\":\"t\",\"title\":\"t\",\"body\":\"b\","
                        + "\"data\":{"
                        + IntStream.range(0, 101)
                                .mapToObj(i -> "\"k" + i + "\":\"v\"")
                                .collect(Collectors.joining(","))
                        + "}}}",
                400,
                "payload.data"));
        all.add(new Case(
                "body over 64 KB",
                "POST",
                "/api/jobs",
                "application/json",
                utf8(email("a@b.co", "Hi").replace("\"body\":\"Body\"", "\"body\":\"" + "x".repeat(70_000) + "\"")),
                Map.of(),
                413,
                "Content Too Large",
                null));
        // injection
        all.add(post(
                "operator in a body value",
                "{\"type\":\"email\",\"payload\":{\"recipient\":{\"$ne\":null},\"subject\":\"s\"," + "\"body\":\"b\"}}",
                400,
                "payload.recipient"));
        all.add(post("operator as the type", "{\"type\":{\"$gt\":\"\"},\"payload\":{}}", 400, "type"));
        all.add(post(
                "CR/LF in the subject", email("a@b.co", "Hi\\r\\nBcc: victim@example.com"), 400, "payload.subject"));
        all.add(post(
                "CR/LF in the recipient",
                email("a@b.co\\r\\nBcc: victim@example.com", "Hi"),
                400,
                "payload.recipient"));
        all.add(post("invalid email address", email("not-an-address", "Hi"), 400, "payload.recipient"));
        // phone numbers
        all.add(post("E.164 without plus", sms("14155550123"), 400, "payload.phone"));
        all.add(post("E.164 with letters", sms("+1415abc0123"), 400, "payload.phone"));
        all.add(post("E.164 too long", sms("+1234567890123456"), 400, "payload.phone"));
        all.add(post("E.164 starting with 0", sms("+04155550123"), 400, "payload.phone"));
        // scheduling, priority, callbacks
        all.add(post(
                "scheduledAt in the past", withTop("\"scheduledAt\":\"2020-01-01T00:00:00Z\""), 400, "scheduledAt"));
        all.add(post(
                "scheduledAt 31 days ahead",
                withTop("\"scheduledAt\":\"" + Instant.now().plus(Duration.ofDays(31)) + "\""),
                400,
                "scheduledAt"));
        all.add(post("scheduledAt not a date", withTop("\"scheduledAt\":\"tomorrow\""), 400, "scheduledAt"));
        all.add(post(
                "scheduledAt without an offset",
                withTop("\"scheduledAt\":\"2030-01-01T10:00:00\""),
                400,
                "scheduledAt"));
        all.add(post("priority unknown", withTop("\"priority\":\"urgent\""), 400, "priority"));
        all.add(post(
                "callbackUrl not http", withTop("\"callbackUrl\":\"ftp://example.com/hook\""), 400, "callbackUrl"));
        all.add(post("callbackUrl relative", withTop("\"callbackUrl\":\"/hook\""), 400, "callbackUrl"));
        // batches
        all.add(batch(
                "batch with 1,001 jobs",
                "{\"jobs\":[" + String.join(",", java.util.Collections.nCopies(1001, sms("+14155550123"))) + "]}",
                400,
                "jobs"));
        all.add(batch("batch with no jobs", "{\"jobs\":[]}", 400, "jobs"));
        all.add(batch(
                "batch with one bad item",
                "{\"jobs\":[" + sms("+14155550123") + "," + sms("12345") + "]}",
                400,
                "jobs[1].payload.phone"));
        all.add(batch("batch item not an object", "{\"jobs\":[" + sms("+14155550123") + ",42]}", 400, "jobs[1]"));
        all.add(new Case(
                "batch body over 5 MB",
                "POST",
                "/api/jobs/batch",
                "application/json",
                utf8("{\"jobs\":["
                        + email("a@b.co", "x".repeat(990)).replace("\"Body\"", "\"" + "y".repeat(5_300_000) + "\"")
                        + "]}"),
                Map.of(),
                413,
                "Content Too Large",
                null));
        // query parameters
        all.add(get("operator in a query parameter", "/api/jobs?status%5B%24ne%5D=x", 400, "status[$ne]"));
        all.add(get("regex operator on recipient", "/api/jobs?recipient%5B%24regex%5D=.*", 400, "recipient[$regex]"));
        all.add(get("unknown status", "/api/jobs?status=done", 400, "status"));
        all.add(get("limit zero", "/api/jobs?limit=0", 400, "limit"));
        all.add(get("limit over 500", "/api/jobs?limit=501", 400, "limit"));
        all.add(get("limit not a number", "/api/jobs?limit=ten", 400, "limit"));
        all.add(get("invalid cursor", "/api/jobs?cursor=bm90LWEtY3Vyc29y", 400, "cursor"));
        all.add(get("cursor not base64", "/api/jobs?cursor=%25%25%25", 400, "cursor"));
        all.add(get("createdAfter not a date", "/api/jobs?createdAfter=yesterday", 400, "createdAfter"));
        all.add(get("a parameter given twice", "/api/jobs?status=sent&status=failed", 400, "status"));
        // keys and headers
        all.add(new Case(
                "no API key",
                "POST",
                "/api/jobs",
                "application/json",
                utf8(email("a@b.co", "Hi")),
                Map.of("Authorization", ""),
                401,
                "Unauthorized",
                null));
        all.add(new Case(
                "unknown API key",
                "POST",
                "/api/jobs",
                "application/json",
                utf8(email("a@b.co", "Hi")),
                Map.of("Authorization", "Bearer nhk_unknownkey_eeeeeeeeeeeeeeeeeeeeeeee"),
                401,
                "Unauthorized",
                null));
        all.add(new Case(
                "revoked API key",
                "POST",
                "/api/jobs",
                "application/json",
                utf8(email("a@b.co", "Hi")),
                Map.of("Authorization", "Bearer " + REVOKED_KEY),
                401,
                "Unauthorized",
                null));
        all.add(new Case(
                "basic auth instead of a key",
                "POST",
                "/api/jobs",
                "application/json",
                utf8(email("a@b.co", "Hi")),
                Map.of("Authorization", "Basic dXNlcjpwYXNz"),
                401,
                "Unauthorized",
                null));
        all.add(new Case(
                "Idempotency-Key over 255 characters",
                "POST",
                "/api/jobs",
                "application/json",
                utf8(email("a@b.co", "Hi")),
                Map.of("Idempotency-Key", "k".repeat(256)),
                400,
                "Invalid request",
                "Idempotency-Key"));
        all.add(new Case(
                "admin endpoint with a client key",
                "POST",
                "/api/admin/keys",
                "application/json",
                utf8("{\"clientId\":\"x\"}"),
                Map.of(),
                403,
                "Admin scope required",
                null));
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldRefuseWithAProblemAndChangeNothing(Case c) throws IOException, InterruptedException {
        HttpResponse<String> response = send(c);

        assertThat(response.statusCode())
                .as("%s: %s", c.name(), response.body())
                .isEqualTo(c.status());
        assertThat(response.headers().firstValue("Content-Type")).as(c.name()).hasValue("application/problem+json");
        assertThat(JsonPath.<String>read(response.body(), "$.title"))
                .as(c.name())
                .isEqualTo(c.title());
        assertThat(JsonPath.<Integer>read(response.body(), "$.status")).isEqualTo(c.status());
        if (c.field() != null) {
            assertThat(JsonPath.<List<String>>read(response.body(), "$.errors[*].field"))
                    .as(c.name())
                    .contains(c.field());
        }
        assertThat(storedJobs()).as("stored after %s", c.name()).isZero();
        assertThat(queuedInAllChannels()).as("published after %s", c.name()).isZero();
        assertThat(new ApiClient(port).get("/api/jobs?limit=1").statusCode())
                .as("healthy after %s", c.name())
                .isEqualTo(200);
    }

    private HttpResponse<String> send(Case c) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + c.path()))
                .timeout(Duration.ofSeconds(30));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + ApiClient.TEST_KEY);
        headers.putAll(c.headers());
        headers.forEach((name, value) -> {
            if (!value.isEmpty()) {
                request.header(name, value);
            }
        });
        if (c.contentType() != null) {
            request.header("Content-Type", c.contentType());
        }
        request.method(
                c.method(),
                c.body() == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(c.body()));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Case post(String name, String body, int status, String field) {
        return new Case(
                name, "POST", "/api/jobs", "application/json", utf8(body), Map.of(), status, "Invalid request", field);
    }

    private static Case batch(String name, String body, int status, String field) {
        return new Case(
                name,
                "POST",
                "/api/jobs/batch",
                "application/json",
                utf8(body),
                Map.of(),
                status,
                "Invalid request",
                field);
    }

    private static Case bytes(String name, byte[] body, int status, String field) {
        return new Case(
                name, "POST", "/api/jobs", "application/json", body, Map.of(), status, "Invalid request", field);
    }

    private static Case get(String name, String path, int status, String field) {
        return new Case(name, "GET", path, null, null, Map.of(), status, "Invalid request", field);
    }

    private static String email(String recipient, String subject) {
        return "{\"type\":\"email\",\"payload\":{\"recipient\":\"" + recipient + "\",\"subject\":\"" + subject
                + "\",\"body\":\"Body\"}}";
    }

    private static String sms(String phone) {
        return "{\"type\":\"sms\",\"payload\":{\"phone\":\"" + phone + "\",\"message\":\"m\"}}";
    }

    private static String withTop(String field) {
        return "{\"type\":\"sms\",\"payload\":{\"phone\":\"+14155550123\",\"message\":\"m\"}," + field + "}";
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(String head, byte[] middle, String tail) {
        byte[] a = utf8(head);
        byte[] c = utf8(tail);
        byte[] all = new byte[a.length + middle.length + c.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(middle, 0, all, a.length, middle.length);
        System.arraycopy(c, 0, all, a.length + middle.length, c.length);
        return all;
    }
}
