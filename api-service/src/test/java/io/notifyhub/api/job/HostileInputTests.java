package io.notifyhub.api.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.JsonPath;
import io.notifyhub.api.auth.ApiKey;
import io.notifyhub.api.auth.ApiKeysAccess;
import io.notifyhub.api.support.ApiClient;
import io.notifyhub.api.support.ApiIntegrationTest;
import io.notifyhub.api.support.OpenApiContract;
import io.notifyhub.model.Channel;
import io.notifyhub.model.store.Job;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

/**
 * What a client with a valid key might send to hurt the service or another client: quadratic validation,
 * input that used to end in a 500, webhook targets pointing inside, senders it does not own, other clients'
 * secrets, requests that would take memory by the megabyte, answers outside the API's own document, and the
 * earlier bad-input table ({@link BadInputTests#cases()}). Each case must be refused with a 4xx RFC 9457 problem
 * naming the field (where there is one) in under a second, with an answer the OpenAPI document allows; it must
 * store nothing and publish nothing; and a request of another client sent at the same time must succeed.
 */
class HostileInputTests extends ApiIntegrationTest {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ExecutorService OTHERS = Executors.newSingleThreadExecutor();
    private static final String OTHER_SMS = """
            {"type":"sms","payload":{"phone":"+14155550199","message":"another client's valid job"}}""";
    private static final String INVALID = "Invalid request";
    private static final String JOBS = "/api/jobs";
    private static final String BATCH = "/api/jobs/batch";

    private static OpenApiContract contract;

    /**
     * One hostile request.
     *
     * @param key      the API key it is sent with (the client {@code test}, unless it needs another)
     * @param field    the field the problem must name, or null when there is none
     * @param template the documented path of the operation, for the check against the OpenAPI document
     */
    record Case(
            String name,
            String method,
            String path,
            String contentType,
            byte[] body,
            Map<String, String> headers,
            String key,
            int status,
            String title,
            String field,
            String template,
            String reason) {

        Case(
                String name,
                String method,
                String path,
                String contentType,
                byte[] body,
                Map<String, String> headers,
                String key,
                int status,
                String title,
                String field,
                String template) {
            this(name, method, path, contentType, body, headers, key, status, title, field, template, null);
        }

        /** This case, whose problem must also say this about its field. */
        Case because(String expected) {
            return new Case(
                    name, method, path, contentType, body, headers, key, status, title, field, template, expected);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeEach
    void prepare() {
        mongo.save(new ApiKey(
                ApiKeysAccess.hash(BadInputTests.REVOKED_KEY),
                "revokedkey",
                "test",
                false,
                Instant.now().minusSeconds(60),
                Instant.now().minusSeconds(30)));
        ApiClient admin = new ApiClient(port, ApiClient.ADMIN_KEY);
        assertThat(admin.put(
                                "/api/admin/clients/test",
                                "application/json",
                                "{\"senders\":[\"example.com\",\"team@example.org\"]}")
                        .statusCode())
                .isEqualTo(200);
        if (contract == null) {
            contract = OpenApiContract.fetch(port);
            // the first requests of a new process load classes and compile: not what a case measures
            for (int i = 0; i < 20; i++) {
                new ApiClient(port).postJson(email("a@example.com", "warm-up"));
                new ApiClient(port).get("/api/jobs?limit=1");
            }
            emptyQueuesAndStoreAgain();
        }
    }

    private void emptyQueuesAndStoreAgain() {
        await().atMost(Duration.ofSeconds(10)).until(() -> batching.waiting() == 0);
        for (Channel channel : Channel.values()) {
            for (io.notifyhub.model.Priority priority : io.notifyhub.model.Priority.values()) {
                rabbitAdmin.purgeQueue(io.notifyhub.model.topology.Topology.workQueue(channel, priority), false);
            }
        }
        mongo.remove(new Query(), Job.class);
    }

    @AfterAll
    static void stopOthers() {
        OTHERS.shutdownNow();
    }

    static Stream<Case> cases() {
        List<Case> all = new ArrayList<>();
        // 1. linear-time validation: inputs that took seconds to minutes with overlapping patterns
        String dots20k = "a@" + ".".repeat(20_000) + " ";
        String dots60k = "a@" + ".".repeat(60_000) + " ";
        all.add(post(
                "from of 20,000 dots and a space", emailWith("\"from\":\"" + dots20k + "\""), 400, "payload.from"));
        all.add(post(
                "from of 60,000 dots and a space", emailWith("\"from\":\"" + dots60k + "\""), 400, "payload.from"));
        all.add(batch(
                "batch item with a from of 80,000 dots",
                "{\"jobs\":[" + emailWith("\"from\":\"a@" + ".".repeat(80_000) + " \"") + "]}",
                400,
                "jobs[0]"));
        all.add(batch(
                "70 batch items each with a from of 60,000 dots",
                "{\"jobs\":[" + String.join(",", Collections.nCopies(70, emailWith("\"from\":\"" + dots60k + "\"")))
                        + "]}",
                400,
                "jobs[69].payload.from"));
        all.add(post(
                "recipient of 300 dots and a space",
                email("a@" + ".".repeat(300) + " ", "Hi"),
                400,
                "payload.recipient"));
        all.add(post("replyTo of 60,000 dots", emailWith("\"replyTo\":\"" + dots60k + "\""), 400, "payload.replyTo"));
        all.add(batch(
                "batch item with a recipient of 80,000 characters",
                "{\"jobs\":[" + email("a".repeat(80_000) + "@example.com", "Hi") + "]}",
                400,
                "jobs[0]"));
        all.add(post(
                "from with a display name of 60,000 '<'",
                emailWith("\"from\":\"" + "<".repeat(60_000) + "a@example.com>\""),
                400,
                "payload.from"));
        all.add(post("subject of 10,000 CRs", email("a@example.com", "\\r".repeat(10_000)), 400, "payload.subject"));
        all.add(post("phone of 60,000 digits", sms("+" + "1".repeat(60_000)), 400, "payload.phone"));
        all.add(new Case(
                "Idempotency-Key of 7,000 characters",
                "POST",
                JOBS,
                "application/json",
                utf8(sms("+14155550123")),
                Map.of("Idempotency-Key", "k".repeat(7_000)),
                ApiClient.TEST_KEY,
                400,
                INVALID,
                "Idempotency-Key",
                JOBS));
        all.add(new Case(
                "bearer token of 7,000 characters",
                "POST",
                JOBS,
                "application/json",
                utf8(sms("+14155550123")),
                Map.of(),
                "nhk_" + "a".repeat(7_000),
                401,
                "Unauthorized",
                null,
                JOBS));
        all.add(get("recipient filter of 5,000 dots", "/api/jobs?recipient=" + ".".repeat(5_000), 400, "recipient"));
        all.add(get("cursor of 6,000 characters", "/api/jobs?cursor=" + "A".repeat(6_000), 400, "cursor"));
        all.add(batch(
                "1,000 bad batch items",
                "{\"jobs\":[" + String.join(",", Collections.nCopies(1000, sms("x"))) + "]}",
                400,
                "jobs[999].payload.phone"));
        // 2. no 500s: what the store cannot hold, and values past its range
        all.add(post("push data key with a dot", push("{\"a.b\":\"v\"}"), 400, "payload.data"));
        all.add(post("push data key starting with $", push("{\"$where\":\"v\"}"), 400, "payload.data"));
        all.add(post("push data key with a NUL", push("{\"a\\u0000b\":\"v\"}"), 400, "payload.data"));
        all.add(batch(
                "batch item with a dotted data key",
                "{\"jobs\":[" + push("{\"x.y\":\"v\"}") + "]}",
                400,
                "jobs[0].payload.data"));
        all.add(get(
                "createdAfter in the year 300,000,000",
                "/api/jobs?createdAfter=%2B300000000-01-01T00:00:00Z",
                400,
                "createdAfter"));
        all.add(get(
                "createdBefore in the year -300,000,000",
                "/api/jobs?createdBefore=-300000000-01-01T00:00:00Z",
                400,
                "createdBefore"));
        all.add(get(
                "dead letters createdAfter in the year 300,000,000",
                "/api/dead-letters?createdAfter=%2B300000000-01-01T00:00:00Z",
                400,
                "createdAfter"));
        all.add(new Case(
                "replay createdBefore in the year 300,000,000",
                "POST",
                "/api/dead-letters/replay?createdBefore=%2B300000000-01-01T00:00:00Z",
                null,
                null,
                Map.of(),
                ApiClient.ADMIN_KEY,
                400,
                INVALID,
                "createdBefore",
                "/api/dead-letters/replay"));
        all.add(post(
                "scheduledAt in the year 300,000,000",
                withTop("\"scheduledAt\":\"+300000000-01-01T00:00:00Z\""),
                400,
                "scheduledAt"));
        all.add(get(
                "cursor whose time overflows",
                "/api/jobs?cursor="
                        + Base64.getUrlEncoder()
                                .withoutPadding()
                                .encodeToString("99999999999999999999.0123456789abcdef01234567"
                                        .getBytes(StandardCharsets.US_ASCII)),
                400,
                "cursor"));
        all.add(get("limit past a long", "/api/jobs?limit=99999999999999999999", 400, "limit"));
        all.add(post("priority a number of a million digits", withTop("\"priority\":1e999999"), 400, "priority"));
        all.add(new Case(
                "client settings for a client id of 200 characters",
                "PUT",
                "/api/admin/clients/" + "a".repeat(200),
                "application/json",
                utf8("{\"senders\":[\"example.com\"]}"),
                Map.of(),
                ApiClient.ADMIN_KEY,
                400,
                INVALID,
                "clientId",
                "/api/admin/clients/{clientId}"));
        all.add(new Case(
                "a job id of 5,000 characters",
                "GET",
                "/api/jobs/" + "f".repeat(5_000),
                null,
                null,
                Map.of(),
                ApiClient.TEST_KEY,
                404,
                "Job not found",
                null,
                "/api/jobs/{id}"));
        // 4. webhook targets pointing inside
        for (String[] target : new String[][] {
            {"http://[::127.0.0.1]/", "IPv4-compatible"},
            {"http://[64:ff9b::a9fe:a9fe]/", "NAT64"},
            {"http://[64:ff9b:1::a9fe:a9fe]/", "NAT64"},
            {"http://[2002:a9fe:a9fe::]/", "6to4"},
            {"http://[2001:0:4136:e378:8000:63bf:5601:5601]/", "Teredo"},
            {"http://[::ffff:7f00:1]/", "loopback"},
            {"http://[::]/", "any-local"},
            {"http://[fe80::1]/", "link-local"},
            {"http://[ff02::1]/", "multicast"},
            {"http://[2001:db8::1]/", "documentation"},
            {"http://[100::1]/", "discard-only"},
            {"http://198.18.0.1/", "benchmarking"},
            {"http://240.0.0.1/", "reserved"},
            {"http://255.255.255.255/", "reserved"},
            {"http://192.0.0.170/", "IETF protocol assignment"},
            {"http://203.0.113.5/", "documentation"},
            {"http://100.100.100.200/", "CGNAT"},
            {"http://localhost./", "loopback"},
            {"http://LOCALHOST/", "loopback"},
            {"http://api.localhost/", "loopback"},
            {"http://0x7f000001/", "loopback"},
            {"http://017700000001/", "loopback"},
            {"http://127.1/", "absolute http or https URL"},
            {"http://0177.0.0.1/", "loopback"},
            {"http://0x5db8d70e/", "four decimal numbers"},
            {"http://hook.invalid/", "resolve"},
            {"http://user:secret@93.184.215.14/", "user information"}
        }) {
            all.add(post(
                            "callbackUrl " + target[0],
                            withTop("\"callbackUrl\":\"" + target[0] + "\""),
                            400,
                            "callbackUrl")
                    .because(target[1]));
        }
        all.add(new Case(
                "client default webhook on the metadata address",
                "PUT",
                "/api/admin/clients/test",
                "application/json",
                utf8("{\"callbackUrl\":\"http://169.254.169.254/latest/meta-data\"}"),
                Map.of(),
                ApiClient.ADMIN_KEY,
                400,
                INVALID,
                "callbackUrl",
                "/api/admin/clients/{clientId}"));
        // 5. sending as someone else
        all.add(post(
                "from an unverified address", emailWith("\"from\":\"IT <it@yourbank.example>\""), 400, "payload.from"));
        all.add(post(
                "from a subdomain of a verified domain",
                emailWith("\"from\":\"a@mail.example.com\""),
                400,
                "payload.from"));
        all.add(post(
                "from a look-alike of a verified domain",
                emailWith("\"from\":\"a@example.com.evil.example\""),
                400,
                "payload.from"));
        all.add(post(
                "from another address of a verified address's domain",
                emailWith("\"from\":\"ceo@example.org\""),
                400,
                "payload.from"));
        all.add(post(
                "from with a verified address as its display name",
                emailWith("\"from\":\"team@example.org <evil@evil.example>\""),
                400,
                "payload.from"));
        all.add(batch(
                "batch item from an unverified address",
                "{\"jobs\":[" + email("a@example.com", "Hi") + "," + emailWith("\"from\":\"it@yourbank.example\"")
                        + "]}",
                400,
                "jobs[1].payload.from"));
        // 6. other clients' webhook secrets
        all.add(new Case(
                "a client rotating another client's secret",
                "POST",
                "/api/admin/clients/other/webhook-secret",
                null,
                null,
                Map.of(),
                ApiClient.TEST_KEY,
                403,
                "Admin scope required",
                null,
                "/api/admin/clients/{clientId}/webhook-secret"));
        all.add(new Case(
                "a client setting another client's secret",
                "PUT",
                "/api/admin/clients/other",
                "application/json",
                utf8("{\"webhookSecret\":\"i-know-it-now-0123456789\"}"),
                Map.of(),
                ApiClient.TEST_KEY,
                403,
                "Admin scope required",
                null,
                "/api/admin/clients/{clientId}"));
        all.add(new Case(
                "a client reading another client's settings",
                "GET",
                "/api/admin/clients/other",
                null,
                null,
                Map.of(),
                ApiClient.TEST_KEY,
                403,
                "Admin scope required",
                null,
                "/api/admin/clients/{clientId}"));
        all.add(new Case(
                "a signing secret of 8 characters",
                "PUT",
                "/api/admin/clients/test",
                "application/json",
                utf8("{\"webhookSecret\":\"12345678\"}"),
                Map.of(),
                ApiClient.ADMIN_KEY,
                400,
                INVALID,
                "webhookSecret",
                "/api/admin/clients/{clientId}"));
        all.add(new Case(
                "a client listing the keys",
                "GET",
                "/api/admin/keys",
                null,
                null,
                Map.of(),
                ApiClient.TEST_KEY,
                403,
                "Admin scope required",
                null,
                "/api/admin/keys"));
        // 7. memory per request
        Map<String, String> big = new LinkedHashMap<>();
        IntStream.range(0, 100).forEach(i -> big.put("k" + i, "v".repeat(4_000)));
        String bigData = big.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
                .collect(Collectors.joining(",", "{", "}"));
        all.add(batch("batch item of 400 KB of push data", "{\"jobs\":[" + push(bigData) + "]}", 400, "jobs[0]"));
        all.add(batch(
                "12 batch items of 400 KB each",
                "{\"jobs\":[" + String.join(",", Collections.nCopies(12, push(bigData))) + "]}",
                400,
                "jobs[11]"));
        all.add(new Case(
                "batch body of 6 MB",
                "POST",
                BATCH,
                "application/json",
                utf8("{\"jobs\":[" + String.join(",", Collections.nCopies(15, push(bigData))) + "]}"),
                Map.of(),
                ApiClient.TEST_KEY,
                413,
                "Content Too Large",
                null,
                BATCH));
        all.add(new Case(
                "single body of 400 KB",
                "POST",
                JOBS,
                "application/json",
                utf8(push(bigData)),
                Map.of(),
                ApiClient.TEST_KEY,
                413,
                "Content Too Large",
                null,
                JOBS));
        all.add(get("page of 100,000 jobs", "/api/jobs?limit=100000", 400, "limit"));
        all.add(get("dead letters page of 501", "/api/dead-letters?limit=501", 400, "limit"));
        all.add(new Case(
                "replay of a million",
                "POST",
                "/api/dead-letters/replay?limit=1000000",
                null,
                null,
                Map.of(),
                ApiClient.ADMIN_KEY,
                400,
                INVALID,
                "limit",
                "/api/dead-letters/replay"));
        // 8. requests outside the document: each answer must still be one the document allows
        all.add(new Case(
                "XML body",
                "POST",
                JOBS,
                "application/xml",
                utf8("<job/>"),
                Map.of(),
                ApiClient.TEST_KEY,
                400,
                INVALID,
                "Content-Type",
                JOBS));
        all.add(new Case(
                "admin key request with a numeric client id",
                "POST",
                "/api/admin/keys",
                "application/json",
                utf8("{\"clientId\":42}"),
                Map.of(),
                ApiClient.ADMIN_KEY,
                400,
                INVALID,
                "clientId",
                "/api/admin/keys"));
        all.add(new Case(
                "client settings with unknown fields",
                "PUT",
                "/api/admin/clients/test",
                "application/json",
                utf8("{\"admin\":true,\"clientId\":\"ops\"}"),
                Map.of(),
                ApiClient.ADMIN_KEY,
                400,
                INVALID,
                "admin",
                "/api/admin/clients/{clientId}"));
        all.add(new Case(
                "senders that are not addresses",
                "PUT",
                "/api/admin/clients/test",
                "application/json",
                utf8("{\"senders\":[\"*\",\"@\",\"a@b\"]}"),
                Map.of(),
                ApiClient.ADMIN_KEY,
                400,
                INVALID,
                "senders[0]",
                "/api/admin/clients/{clientId}"));
        all.add(new Case(
                "101 senders",
                "PUT",
                "/api/admin/clients/test",
                "application/json",
                utf8("{\"senders\":["
                        + IntStream.range(0, 101)
                                .mapToObj(i -> "\"d" + i + ".example\"")
                                .collect(Collectors.joining(","))
                        + "]}"),
                Map.of(),
                ApiClient.ADMIN_KEY,
                400,
                INVALID,
                "senders",
                "/api/admin/clients/{clientId}"));
        all.add(get("dead letters filtered by status", "/api/dead-letters?status=sent", 400, "status"));
        // the earlier bad-input table, under the same conditions
        BadInputTests.cases()
                .map(c -> new Case(
                        "earlier table: " + c.name(),
                        c.method(),
                        c.path(),
                        c.contentType(),
                        c.body(),
                        without(c.headers(), "Authorization"),
                        c.headers().containsKey("Authorization")
                                ? bearer(c.headers().get("Authorization"))
                                : ApiClient.TEST_KEY,
                        c.status(),
                        c.title(),
                        c.field(),
                        template(c.path())))
                .forEach(all::add);
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldRefuseQuicklyChangingNothingWhileAnotherClientIsServed(Case c) throws Exception {
        CompletableFuture<HttpResponse<String>> other = CompletableFuture.supplyAsync(
                () -> new ApiClient(port, ApiClient.OTHER_KEY).postJson(OTHER_SMS), OTHERS);
        long started = System.nanoTime();
        HttpResponse<String> response = send(c);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertThat(response.statusCode())
                .as("%s: %s", c.name(), abbreviated(response.body()))
                .isEqualTo(c.status());
        // the bound catches work that grows faster than the input (an 80,000-character address once took 44.6 s)
        // and reads that wait for a slow body; it is not a speed target, so it leaves room for a busy machine
        assertThat(millis).as("%s answered in ms", c.name()).isLessThan(5_000);
        assertThat(response.headers().firstValue("Content-Type")).as(c.name()).hasValue("application/problem+json");
        assertThat(JsonPath.<String>read(response.body(), "$.title"))
                .as(c.name())
                .isEqualTo(c.title());
        if (c.field() != null) {
            assertThat(JsonPath.<List<String>>read(response.body(), "$.errors[*].field"))
                    .as(c.name())
                    .contains(c.field());
        }
        if (c.reason() != null) {
            assertThat(JsonPath.<List<String>>read(response.body(), "$.errors[*].reason"))
                    .as(c.name())
                    .anySatisfy(reason -> assertThat(reason).contains(c.reason()));
        }
        assertThat(contract.problems(c.method(), c.template(), response))
                .as("%s against the OpenAPI document", c.name())
                .isEmpty();

        assertThat(other.get(10, TimeUnit.SECONDS).statusCode())
                .as("another client's job during %s", c.name())
                .isEqualTo(201);
        await().atMost(Duration.ofSeconds(5)).until(() -> queued(Channel.SMS) == 1);
        assertThat(mongo.count(Query.query(Criteria.where("clientId").ne("other")), Job.class))
                .as("jobs stored by %s", c.name())
                .isZero();
        assertThat(storedJobs()).as("jobs stored during %s", c.name()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> batching.waiting() == 0);
        assertThat(queuedInAllChannels())
                .as("messages published during %s", c.name())
                .isEqualTo(1);
    }

    private HttpResponse<String> send(Case c) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + c.path()))
                .timeout(Duration.ofSeconds(30));
        if (c.key() != null) {
            request.header("Authorization", c.key().startsWith("Basic ") ? c.key() : "Bearer " + c.key());
        }
        c.headers().forEach(request::header);
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

    private static String abbreviated(String body) {
        return body.length() > 600 ? body.substring(0, 600) + "..." : body;
    }

    /** The key of an earlier table row's Authorization header ({@code null}: none sent). */
    private static String bearer(String header) {
        if (header.isEmpty()) {
            return null;
        }
        return header.startsWith("Bearer ") ? header.substring("Bearer ".length()) : header;
    }

    private static Map<String, String> without(Map<String, String> headers, String name) {
        Map<String, String> rest = new LinkedHashMap<>(headers);
        rest.remove(name);
        return rest;
    }

    /** The documented path of a request path. */
    static String template(String path) {
        String plain = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        if (plain.startsWith("/api/jobs/") && !plain.equals(BATCH)) {
            return plain.endsWith("/retry") ? "/api/jobs/{id}/retry" : "/api/jobs/{id}";
        }
        return plain;
    }

    private static Case post(String name, String body, int status, String field) {
        return new Case(
                name,
                "POST",
                JOBS,
                "application/json",
                utf8(body),
                Map.of(),
                ApiClient.TEST_KEY,
                status,
                INVALID,
                field,
                JOBS);
    }

    private static Case batch(String name, String body, int status, String field) {
        return new Case(
                name,
                "POST",
                BATCH,
                "application/json",
                utf8(body),
                Map.of(),
                ApiClient.TEST_KEY,
                status,
                INVALID,
                field,
                BATCH);
    }

    private static Case get(String name, String path, int status, String field) {
        return new Case(
                name, "GET", path, null, null, Map.of(), ApiClient.TEST_KEY, status, INVALID, field, template(path));
    }

    private static String email(String recipient, String subject) {
        return "{\"type\":\"email\",\"payload\":{\"recipient\":\"" + recipient + "\",\"subject\":\"" + subject
                + "\",\"body\":\"Body\"}}";
    }

    private static String emailWith(String field) {
        return "{\"type\":\"email\",\"payload\":{\"recipient\":\"a@example.com\",\"subject\":\"Hi\",\"body\":\"Body\","
                + field + "}}";
    }

    private static String sms(String phone) {
        return "{\"type\":\"sms\",\"payload\":{\"phone\":\"" + phone + "\",\"message\":\"m\"}}";
    }

    private static String push(String data) {
        return "{\"type\":\"push\",\"payload\":{\"token\":\"t\",\"title\":\"t\",\"body\":\"b\",\"data\":" + data + "}}";
    }

    private static String withTop(String field) {
        return "{\"type\":\"sms\",\"payload\":{\"phone\":\"+14155550123\",\"message\":\"m\"}," + field + "}";
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
