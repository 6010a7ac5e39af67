package io.notifyhub.api.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.jayway.jsonpath.JsonPath;
import io.micrometer.core.instrument.MeterRegistry;
import io.notifyhub.api.support.ApiClient;
import io.notifyhub.api.support.ApiIntegrationTest;
import io.notifyhub.model.Channel;
import io.notifyhub.model.store.Attempt;
import io.notifyhub.model.store.AttemptOutcome;
import io.notifyhub.model.store.Callback;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Status webhooks POSTed over HTTP to WireMock on 127.0.0.1 (so private targets are allowed here; see
 * {@link WebhookTargetRefusalTests} for the refusal). Outcomes a worker would record are written through the
 * store, as a worker does; the e2e tests do it with real workers.
 */
@TestPropertySource(
        properties = {
            "notifyhub.webhooks.allow-private-targets=true",
            "notifyhub.webhooks.poll-interval=100ms",
            "notifyhub.webhooks.initial-backoff=400ms",
            "notifyhub.webhooks.connect-timeout=500ms",
            "notifyhub.webhooks.read-timeout=3s",
            "notifyhub.webhooks.lease=5s",
            "notifyhub.webhooks.max-attempts=3",
            "notifyhub.webhooks.secret-overlap=3s"
        })
class WebhookTests extends ApiIntegrationTest {

    private static final Duration LEASE = Duration.ofMinutes(2);
    private static WireMockServer target;

    @Autowired
    JobStore store;

    @Autowired
    MeterRegistry meters;

    @Autowired
    WebhookProperties properties;

    @Autowired
    tools.jackson.databind.json.JsonMapper json;

    @BeforeAll
    static void startTarget() {
        target = new WireMockServer(
                options().dynamicPort().bindAddress("127.0.0.1").containerThreads(20));
        target.start();
    }

    @AfterAll
    static void stopTarget() {
        target.stop();
    }

    @BeforeEach
    void resetTarget() {
        target.resetAll();
        target.stubFor(WireMock.post(urlPathMatching("/hooks/.*"))
                .willReturn(aResponse().withStatus(204)));
    }

    private String create(String callbackUrl) {
        HttpResponse<String> created = postJson("""
                {"type":"email","payload":{"recipient":"a@example.com","subject":"s","body":"b"},"callbackUrl":"%s"}""".formatted(callbackUrl));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JsonPath.read(created.body(), "$._id");
    }

    private String hook(String name) {
        return "http://127.0.0.1:" + target.port() + "/hooks/" + name;
    }

    private Job claim(String id) {
        return store.claim(new ObjectId(id), "worker-1", Instant.now(), LEASE).orElseThrow();
    }

    private List<LoggedRequest> received(String path) {
        return target.findAll(postRequestedFor(urlPathEqualTo(path)));
    }

    /** A new signing secret for a client, as an admin gets it: shown in the answer, this once. */
    private String rotateSecret(String clientId) {
        HttpResponse<String> rotated = new ApiClient(port, ApiClient.ADMIN_KEY)
                .post("/api/admin/clients/" + clientId + "/webhook-secret", null, "");
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        return JsonPath.read(rotated.body(), "$.webhookSecret");
    }

    @Test
    void shouldPostTheJobSignedWhenItIsSentFailedOrCancelled() throws Exception {
        String secret = rotateSecret("test");
        Thread.sleep(3_100); // past the overlap: only the new secret signs
        String sent = create(hook("sent"));
        String failed = create(hook("failed"));
        String cancelled = create(hook("cancelled"));

        Instant now = Instant.now();
        store.recordSent(
                claim(sent), new Attempt(1, now, now, "worker-1", "simulated", AttemptOutcome.SENT, null), "m-1", now);
        store.recordFailed(
                claim(failed),
                new Attempt(1, now, now, "worker-1", "simulated", AttemptOutcome.FAILED, "refused"),
                now);
        assertThat(new ApiClient(port).delete("/api/jobs/" + cancelled).statusCode())
                .isEqualTo(200);

        for (var expected :
                List.of(List.of(sent, "sent"), List.of(failed, "failed"), List.of(cancelled, "cancelled"))) {
            String path = "/hooks/" + expected.get(1);
            await().atMost(Duration.ofSeconds(5)).until(() -> received(path).size() == 1);
            LoggedRequest request = received(path).getFirst();
            String body = request.getBodyAsString();
            assertThat(JsonPath.<String>read(body, "$._id")).isEqualTo(expected.get(0));
            assertThat(JsonPath.<String>read(body, "$.status")).isEqualTo(expected.get(1));
            assertThat(body)
                    .as("same shape as GET /api/jobs/{id}")
                    .isEqualTo(get("/api/jobs/" + expected.get(0)).body());
            assertThat(request.getHeader("Content-Type")).startsWith("application/json");
            assertThat(request.getHeader("Notifyhub-Job-Id")).isEqualTo(expected.get(0));
            assertSignedWith(request.getHeader("Notifyhub-Signature"), body, secret);
        }
        await().atMost(Duration.ofSeconds(2))
                .until(() -> store.find(sent).orElseThrow().callback().deliveredAt() != null);
        Callback delivered = store.find(sent).orElseThrow().callback();
        assertThat(delivered.attempts()).isEqualTo(1);
        assertThat(delivered.dueAt()).isNull();
    }

    @Test
    void shouldGiveAClientsJobsItsDefaultWebhookSignedWithItsOwnKey() throws Exception {
        ApiClient admin = new ApiClient(port, ApiClient.ADMIN_KEY);
        String ownKey = "whsec-other-client-key-1234";
        HttpResponse<String> refused = new ApiClient(port)
                .put("/api/admin/clients/other", "application/json", "{\"callbackUrl\":\"" + hook("other") + "\"}");
        assertThat(refused.statusCode()).as("a client key may not").isEqualTo(403);
        HttpResponse<String> bad = admin.put(
                "/api/admin/clients/other",
                "application/json",
                "{\"callbackUrl\":\"ftp://x\",\"webhookSecret\":\"short\",\"x\":1}");
        assertThat(JsonPath.<List<String>>read(bad.body(), "$.errors[*].field"))
                .containsExactlyInAnyOrder("callbackUrl", "webhookSecret", "x");
        HttpResponse<String> set = admin.put(
                "/api/admin/clients/other",
                "application/json",
                "{\"callbackUrl\":\"" + hook("other") + "\",\"webhookSecret\":\"" + ownKey + "\"}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(set.body()).contains("\"webhookSecretSet\":true").doesNotContain(ownKey);

        ApiClient other = new ApiClient(port, ApiClient.OTHER_KEY);
        HttpResponse<String> created =
                other.postJson("{\"type\":\"sms\",\"payload\":{\"phone\":\"+14155550123\",\"message\":\"m\"}}");
        String id = JsonPath.read(created.body(), "$._id");
        assertThat(JsonPath.<String>read(created.body(), "$.callbackUrl")).isEqualTo(hook("other"));
        // another client's job keeps having none
        assertThat(postJson("{\"type\":\"sms\",\"payload\":{\"phone\":\"+14155550123\",\"message\":\"m\"}}")
                        .body())
                .doesNotContain("callbackUrl");

        assertThat(other.delete("/api/jobs/" + id).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> received("/hooks/other").size() == 1);
        LoggedRequest request = received("/hooks/other").getFirst();
        String header = request.getHeader("Notifyhub-Signature");
        String t = header.substring(2, header.indexOf(','));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(ownKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        assertThat(header.substring(header.indexOf("v1=") + 3))
                .as("signed with the client's own key")
                .isEqualTo(HexFormat.of()
                        .formatHex(
                                mac.doFinal((t + "." + request.getBodyAsString()).getBytes(StandardCharsets.UTF_8))));
    }

    /** Verifies the way a receiver would, as docs/api.md shows: recompute the HMAC over "t.body". */
    private static void assertSignedWith(String header, String body, String secret) throws Exception {
        assertThat(header).matches("t=\\d+,v1=[0-9a-f]{64}");
        assertThat(signatures(header)).containsExactly(hmac(secret, timestamp(header) + "." + body));
        assertThat(timestamp(header))
                .isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(30L));
    }

    private static long timestamp(String header) {
        return Long.parseLong(header.substring(2, header.indexOf(',')));
    }

    private static List<String> signatures(String header) {
        return java.util.Arrays.stream(header.split(","))
                .filter(part -> part.startsWith("v1="))
                .map(part -> part.substring(3))
                .toList();
    }

    private static String hmac(String secret, String signed) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldSignEachClientWithItsOwnSecretAndBothSecretsDuringARotationsOverlap() throws Exception {
        String first = rotateSecret("other");
        Thread.sleep(3_100);
        ApiClient other = new ApiClient(port, ApiClient.OTHER_KEY);
        String id =
                JsonPath.read(other.postJson("""
                {"type":"sms","payload":{"phone":"+14155550123","message":"m"},"callbackUrl":"%s"}""".formatted(hook("rotation"))).body(), "$._id");
        String second = rotateSecret("other");
        assertThat(second).isNotEqualTo(first).startsWith("whsec_");

        assertThat(other.delete("/api/jobs/" + id).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> received("/hooks/rotation").size() == 1);
        LoggedRequest during = received("/hooks/rotation").getFirst();
        String header = during.getHeader("Notifyhub-Signature");
        String signed = timestamp(header) + "." + during.getBodyAsString();
        assertThat(signatures(header))
                .as("the new secret first, the old one during the overlap")
                .containsExactly(hmac(second, signed), hmac(first, signed));

        // another client's webhook is signed with that client's secret, which "other" does not know
        String mine = create(hook("mine"));
        assertThat(new ApiClient(port).delete("/api/jobs/" + mine).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> received("/hooks/mine").size() == 1);
        LoggedRequest theirs = received("/hooks/mine").getFirst();
        String theirHeader = theirs.getHeader("Notifyhub-Signature");
        String theirSigned = timestamp(theirHeader) + "." + theirs.getBodyAsString();
        assertThat(signatures(theirHeader)).doesNotContain(hmac(first, theirSigned), hmac(second, theirSigned));
    }

    @Test
    void shouldRetryAFailedPostAfterABackoffUntilItIsDelivered() {
        target.stubFor(WireMock.post(urlPathEqualTo("/hooks/flaky"))
                .inScenario("flaky")
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(500))
                .willSetStateTo("recovered"));
        target.stubFor(WireMock.post(urlPathEqualTo("/hooks/flaky"))
                .inScenario("flaky")
                .whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(200)));
        double retriedBefore =
                meters.counter("notifyhub.webhooks", "outcome", "retried").count();
        String id = create(hook("flaky"));

        new ApiClient(port).delete("/api/jobs/" + id);

        await().atMost(Duration.ofSeconds(5))
                .until(() -> received("/hooks/flaky").size() == 2);
        List<LoggedRequest> posts = received("/hooks/flaky");
        long gap = posts.get(1).getLoggedDate().getTime()
                - posts.get(0).getLoggedDate().getTime();
        assertThat(gap).as("waited the initial backoff").isGreaterThanOrEqualTo(400);
        assertThat(posts.get(1).getHeader("Notifyhub-Attempt")).isEqualTo("2");
        await().atMost(Duration.ofSeconds(2))
                .until(() -> store.find(id).orElseThrow().callback().deliveredAt() != null);
        Callback callback = store.find(id).orElseThrow().callback();
        assertThat(callback.attempts()).isEqualTo(2);
        assertThat(callback.dueAt()).isNull();
        assertThat(meters.counter("notifyhub.webhooks", "outcome", "retried").count())
                .isEqualTo(retriedBefore + 1);
    }

    @Test
    void shouldGiveUpAfterTheConfiguredAttemptsKeepingTheLastError() {
        target.stubFor(WireMock.post(urlPathEqualTo("/hooks/down"))
                .willReturn(aResponse().withStatus(503)));
        double failedBefore =
                meters.counter("notifyhub.webhooks", "outcome", "failed").count();
        String id = create(hook("down"));

        new ApiClient(port).delete("/api/jobs/" + id);

        // 400 ms after the first failure, 800 ms after the second, then no more
        await().atMost(Duration.ofSeconds(5))
                .until(() -> store.find(id).orElseThrow().callback().attempts() == 3);
        Callback callback = store.find(id).orElseThrow().callback();
        assertThat(callback.dueAt()).as("given up").isNull();
        assertThat(callback.deliveredAt()).isNull();
        assertThat(callback.lastError()).isEqualTo("HTTP 503");
        List<LoggedRequest> posts = received("/hooks/down");
        assertThat(posts)
                .extracting(request -> request.getHeader("Notifyhub-Attempt"))
                .containsExactly("1", "2", "3");
        assertThat(posts.get(2).getLoggedDate().getTime()
                        - posts.get(1).getLoggedDate().getTime())
                .as("the backoff doubled")
                .isGreaterThanOrEqualTo(800);
        assertThat(meters.counter("notifyhub.webhooks", "outcome", "failed").count())
                .isEqualTo(failedBefore + 1);
    }

    @Test
    void shouldNotLetASlowOrUnreachableTargetHoldUpOtherWebhooksOrJobs() throws Exception {
        target.stubFor(WireMock.post(urlPathEqualTo("/hooks/slow"))
                .willReturn(aResponse().withStatus(200).withFixedDelay(6_000)));
        String slow = create(hook("slow"));
        String unreachable = create("http://127.0.0.1:" + closedPort() + "/hooks/none");
        String fast = create(hook("fast"));

        new ApiClient(port).delete("/api/jobs/" + slow);
        new ApiClient(port).delete("/api/jobs/" + unreachable);
        await().atMost(Duration.ofSeconds(3))
                .until(() -> !received("/hooks/slow").isEmpty());
        new ApiClient(port).delete("/api/jobs/" + fast);
        HttpResponse<String> another = postJson("""
                {"type":"sms","payload":{"phone":"+14155550123","message":"m"}}""");

        await().atMost(Duration.ofSeconds(3))
                .until(() -> received("/hooks/fast").size() == 1);
        long slowAt = received("/hooks/slow").getFirst().getLoggedDate().getTime();
        long fastAt = received("/hooks/fast").getFirst().getLoggedDate().getTime();
        assertThat(fastAt - slowAt)
                .as("the fast webhook arrived while the slow POST was still open (3 s read timeout)")
                .isLessThan(3_000);
        assertThat(another.statusCode()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(2)).until(() -> queued(Channel.SMS) == 1);
        await().atMost(Duration.ofSeconds(3))
                .until(() -> store.find(unreachable).orElseThrow().callback().lastError() != null);
        assertThat(store.find(unreachable).orElseThrow().callback().lastError()).startsWith("ConnectException");
        // the slow target answers after 6 s, past the read timeout: that POST failed and waits for its retry
        await().atMost(Duration.ofSeconds(6))
                .until(() -> store.find(slow).orElseThrow().callback().lastError() != null);
        assertThat(store.find(slow).orElseThrow().callback().lastError()).startsWith("timed out");
    }

    @Test
    void shouldPostEachWebhookOnceWhileSeveralReplicasPollAtTheSameTime() throws Exception {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            // stored straight away, so that all of them fall due before any replica looks
            Job job = store.insert(
                    Job.queued(Channel.SMS, java.util.Map.of("phone", "+14155550123", "message", "m"), Instant.now())
                            .withCallback(hook("race")));
            ids.add(job.idHex());
        }
        List<WebhookDispatcher> replicas = java.util.stream.IntStream.range(0, 4)
                .mapToObj(i -> new WebhookDispatcher(
                        store,
                        properties,
                        new CallbackTargets(true, Duration.ofSeconds(1)),
                        clientId -> List.of(),
                        json,
                        new WebhookMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()),
                        java.time.Clock.systemUTC()))
                .toList();

        ids.forEach(id -> store.cancel(new ObjectId(id), Instant.now()));
        try (var threads = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            List<java.util.concurrent.Future<?>> rounds = new java.util.ArrayList<>();
            for (int round = 0; round < 5; round++) {
                replicas.forEach(replica -> rounds.add(threads.submit(replica::runOnce)));
            }
            for (var round : rounds) {
                round.get(); // a replica that lost a lease goes on with the others, it does not fail
            }
        }

        await().atMost(Duration.ofSeconds(5))
                .until(() -> ids.stream()
                        .allMatch(id -> store.find(id).orElseThrow().callback().deliveredAt() != null));
        Thread.sleep(300); // a POST made twice would show by now
        List<String> posted = received("/hooks/race").stream()
                .map(request -> request.getHeader("Notifyhub-Job-Id"))
                .toList();
        assertThat(posted).containsAll(ids);
        // every POST is an attempt some replica held the lease for: two replicas never POST the same attempt. (A
        // POST that timed out on a machine this busy is tried again, which docs/api.md calls at least once.)
        for (String id : ids) {
            assertThat(posted.stream().filter(id::equals).count())
                    .as("POSTs of %s", id)
                    .isEqualTo(store.find(id).orElseThrow().callback().attempts());
        }
        replicas.forEach(WebhookDispatcher::close);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
