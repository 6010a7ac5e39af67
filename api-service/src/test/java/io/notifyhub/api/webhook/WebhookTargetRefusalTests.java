package io.notifyhub.api.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.jayway.jsonpath.JsonPath;
import io.notifyhub.api.support.ApiClient;
import io.notifyhub.api.support.ApiIntegrationTest;
import io.notifyhub.model.Channel;
import io.notifyhub.model.store.Callback;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/** With private targets not allowed (the default), webhooks to internal addresses are refused, at the API and at dispatch. */
@TestPropertySource(properties = "notifyhub.webhooks.poll-interval=100ms")
class WebhookTargetRefusalTests extends ApiIntegrationTest {

    @Autowired
    JobStore store;

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "http://127.0.0.1:8080/hook | loopback",
                "http://localhost/hook | loopback",
                "http://[::1]/hook | loopback",
                "http://2130706433/hook | loopback",
                "http://[::ffff:a9fe:a9fe]/hook | link-local",
                "http://0.0.0.0/hook | any-local",
                "http://10.1.2.3/hook | private",
                "http://172.16.0.9/hook | private",
                "http://192.168.1.1/hook | private",
                "http://[fd12:3456::1]/hook | private",
                "http://169.254.169.254/latest/meta-data | link-local",
                "http://100.64.0.1/hook | CGNAT",
                "http://224.0.0.1/hook | multicast"
            })
    void shouldRefuseACallbackUrlOnAnInternalNetworkNamingTheReason(String url, String reason) {
        HttpResponse<String> response = postJson("""
                {"type":"sms","payload":{"phone":"+14155550123","message":"m"},"callbackUrl":"%s"}""".formatted(url));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(JsonPath.<List<String>>read(response.body(), "$.errors[*].field"))
                .containsExactly("callbackUrl");
        assertThat(JsonPath.<String>read(response.body(), "$.errors[0].reason")).contains(reason);
        assertThat(storedJobs()).isZero();
    }

    @Test
    void shouldAcceptACallbackUrlOnAPublicAddress() {
        HttpResponse<String> response = postJson("""
                {"type":"sms","payload":{"phone":"+14155550123","message":"m"},"callbackUrl":"https://93.184.215.14/hook"}""");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(JsonPath.<String>read(response.body(), "$.callbackUrl")).isEqualTo("https://93.184.215.14/hook");
    }

    @Test
    void shouldTryAgainLaterATargetWhoseNameDoesNotResolveAtDispatch() {
        // stored as if its name had resolved when the job was accepted; DNS may be down for a moment
        Job job = store.insert(Job.queued(Channel.SMS, Map.of("phone", "+14155550123", "message", "m"), Instant.now())
                .withCallback("http://hooks.invalid/hook")
                .ownedBy("test"));

        assertThat(new ApiClient(port).delete("/api/jobs/" + job.idHex()).statusCode())
                .isEqualTo(200);

        await().atMost(Duration.ofSeconds(3))
                .until(() -> store.find(job.idHex()).orElseThrow().callback().lastError() != null);
        Callback callback = store.find(job.idHex()).orElseThrow().callback();
        assertThat(callback.lastError()).contains("refused").contains("resolve");
        assertThat(callback.dueAt()).as("tried again later, not given up").isAfter(Instant.now());
        assertThat(callback.attempts()).isEqualTo(1);
    }

    @Test
    void shouldRefuseAtDispatchATargetThatNowResolvesToAnInternalAddress() {
        WireMockServer target = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        target.start();
        try {
            target.stubFor(WireMock.post(anyUrl()).willReturn(aResponse().withStatus(200)));
            // stored as if its host had resolved to a public address when the job was accepted
            Job job =
                    store.insert(Job.queued(Channel.SMS, Map.of("phone", "+14155550123", "message", "m"), Instant.now())
                            .withCallback("http://localhost:" + target.port() + "/hook")
                            .ownedBy("test"));

            assertThat(new ApiClient(port).delete("/api/jobs/" + job.idHex()).statusCode())
                    .isEqualTo(200);

            await().atMost(Duration.ofSeconds(3))
                    .until(() ->
                            store.find(job.idHex()).orElseThrow().callback().lastError() != null);
            Callback callback = store.find(job.idHex()).orElseThrow().callback();
            assertThat(callback.lastError()).contains("refused").contains("loopback");
            assertThat(callback.dueAt()).as("given up, not retried").isNull();
            assertThat(callback.deliveredAt()).isNull();
            assertThat(target.findAll(anyRequestedFor(anyUrl()))).isEmpty();
        } finally {
            target.stop();
        }
    }
}
