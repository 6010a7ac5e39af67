package io.notifyhub.worker.provider.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.notifyhub.model.Channel;
import io.notifyhub.worker.provider.DeliveryRequest;
import io.notifyhub.worker.provider.DeliveryResult;
import io.notifyhub.worker.provider.push.FcmPushProvider;
import io.notifyhub.worker.provider.sms.TwilioSmsProvider;
import io.notifyhub.worker.support.WorkerIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The real providers, built by the application from the auto-configured {@code RestClient.Builder}, call
 * Twilio and FCM (WireMock over TCP): each call is an {@code http.client.requests} timer ({@code
 * http_client_requests_seconds} in Prometheus) whose uri tag is the API's template, never the URL with the account,
 * the project, the phone number or the device token in it.
 */
class OutboundHttpMetricsTests extends WorkerIntegrationTest {

    private static final String SID = "AC0123456789abcdef0123456789abcdef";
    private static final WireMockServer providers = start();

    @Autowired
    TwilioSmsProvider twilio;

    @Autowired
    FcmPushProvider fcm;

    @Autowired
    MeterRegistry meters;

    private static WireMockServer start() {
        WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        server.stubFor(post(urlEqualTo("/2010-04-01/Accounts/" + SID + "/Messages.json"))
                .willReturn(aResponse()
                        .withStatus(201)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"sid\":\"SM1\"}")));
        server.stubFor(post(urlEqualTo("/token"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"access_token\":\"ya29.secret\",\"expires_in\":3599}")));
        server.stubFor(post(urlEqualTo("/v1/projects/notifyhub-metrics/messages:send"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"name\":\"projects/notifyhub-metrics/messages/1\"}")));
        return server;
    }

    @AfterAll
    static void stop() {
        providers.stop();
    }

    @DynamicPropertySource
    static void providerProperties(DynamicPropertyRegistry registry) throws Exception {
        registry.add("notifyhub.providers.twilio.base-url", providers::baseUrl);
        registry.add("notifyhub.providers.twilio.account-sid", () -> SID);
        registry.add("notifyhub.providers.twilio.auth-token", () -> "twilio-secret");
        registry.add("notifyhub.providers.twilio.from", () -> "+15005550006");
        registry.add("notifyhub.providers.fcm.base-url", providers::baseUrl);
        String account = serviceAccount(providers.baseUrl() + "/token");
        registry.add("notifyhub.providers.fcm.service-account-json", () -> account);
    }

    @Test
    void shouldTimeEachProviderCallUnderItsUriTemplate() {
        DeliveryResult sms = twilio.send(new DeliveryRequest(
                "65f1a2b3c4d5e6f708192a3b", Channel.SMS, Map.of("phone", "+14155550123", "message", "Hello"), 1));
        DeliveryResult push = fcm.send(new DeliveryRequest(
                "65f1a2b3c4d5e6f708192a3c",
                Channel.PUSH,
                Map.of("token", "device-token-secret", "title", "Hi", "body", "Hello"),
                1));

        assertThat(sms).isInstanceOf(DeliveryResult.Sent.class);
        assertThat(push).isInstanceOf(DeliveryResult.Sent.class);
        providers.verify(1, postRequestedFor(urlEqualTo("/token")));
        assertThat(call("/2010-04-01/Accounts/{sid}/Messages.json", "201").count())
                .isEqualTo(1);
        assertThat(call("/v1/projects/{project}/messages:send", "200").count()).isEqualTo(1);
        assertThat(call("/token", "200").count()).isEqualTo(1);
        List<String> tags = meters.find("http.client.requests").meters().stream()
                .map(Meter::getId)
                .flatMap(id -> id.getTags().stream())
                .map(Tag::getValue)
                .toList();
        assertThat(tags)
                .noneMatch(value -> value.contains(SID)
                        || value.contains("4155550123")
                        || value.contains("device-token")
                        || value.contains("notifyhub-metrics")
                        || value.contains("ya29"));
    }

    private Timer call(String uri, String status) {
        Timer timer = meters.find("http.client.requests")
                .tag("uri", uri)
                .tag("method", "POST")
                .tag("status", status)
                .tag("outcome", "SUCCESS")
                .timer();
        assertThat(timer)
                .as(
                        "http.client.requests uri=%s status=%s among %s",
                        uri,
                        status,
                        meters.find("http.client.requests").meters().stream()
                                .map(Meter::getId)
                                .toList())
                .isNotNull();
        return timer;
    }

    private static String serviceAccount(String tokenUri) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return """
                {"type":"service_account","project_id":"notifyhub-metrics","private_key_id":"key-1",
                 "private_key":"%s","client_email":"notifyhub@notifyhub-metrics.iam.gserviceaccount.com",
                 "token_uri":"%s"}""".formatted(pem.replace("\n", "\\n"), tokenUri);
    }
}
