package io.notifyhub.api.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.jayway.jsonpath.JsonPath;
import io.notifyhub.api.support.ApiClient;
import io.notifyhub.api.support.ApiIntegrationTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * With an OTLP endpoint configured (here a WireMock playing the collector), the API exports its spans there over
 * OTLP/HTTP, and the webhook it POSTs carries the trace context ({@code traceparent}) to the receiver.
 * (Tests turn tracing off unless asked: {@link AutoConfigureTracing} asks.)
 */
@AutoConfigureTracing
@TestPropertySource(
        properties = {
            "management.tracing.sampling.probability=1.0",
            "notifyhub.webhooks.allow-private-targets=true",
            "notifyhub.webhooks.poll-interval=100ms"
        })
class TracingExportTests extends ApiIntegrationTest {

    private static final WireMockServer collector = start();

    private static WireMockServer start() {
        WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        server.stubFor(WireMock.post(anyUrl()).willReturn(aResponse().withStatus(200)));
        return server;
    }

    @AfterAll
    static void stop() {
        collector.stop();
    }

    @DynamicPropertySource
    static void otlp(DynamicPropertyRegistry registry) {
        registry.add(
                "management.opentelemetry.tracing.export.otlp.endpoint",
                () -> "http://127.0.0.1:" + collector.port() + "/v1/traces");
    }

    private static List<LoggedRequest> exports() {
        return collector.findAll(postRequestedFor(urlPathEqualTo("/v1/traces")));
    }

    /** The strings of an OTLP protobuf body are readable as they are. */
    private static String protobuf(LoggedRequest request) {
        return new String(request.getBody(), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Test
    void shouldExportSpansOverOtlpAndSendTraceparentWithWebhooks() {
        HttpResponse<String> created = postJson("""
                {"type":"email","payload":{"recipient":"a@example.com","subject":"s","body":"b"},\
                "callbackUrl":"http://127.0.0.1:%d/hooks/traced"}""".formatted(collector.port()));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JsonPath.read(created.body(), "$._id");
        assertThat(new ApiClient(port).delete("/api/jobs/" + id).statusCode()).isEqualTo(200);

        // spans leave in batches (every few seconds): the submit's server span arrives in one of them
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        exports().stream().anyMatch(export -> protobuf(export).contains("http post /api/jobs")));
        LoggedRequest export = exports().stream()
                .filter(request -> protobuf(request).contains("http post /api/jobs"))
                .findFirst()
                .orElseThrow();
        assertThat(export.getHeader("Content-Type")).isEqualTo("application/x-protobuf");
        assertThat(protobuf(export)).contains("service.name").contains("api-service");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> !collector
                        .findAll(postRequestedFor(urlPathMatching("/hooks/traced")))
                        .isEmpty());
        List<LoggedRequest> hooks = collector.findAll(postRequestedFor(urlPathMatching("/hooks/traced")));
        assertThat(hooks.getFirst().getHeader("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    }
}
