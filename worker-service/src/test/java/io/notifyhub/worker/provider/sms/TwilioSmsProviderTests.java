package io.notifyhub.worker.provider.sms;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.notifyhub.model.Channel;
import io.notifyhub.worker.provider.DeliveryRequest;
import io.notifyhub.worker.provider.DeliveryResult;
import io.notifyhub.worker.provider.NotificationProvider;
import io.notifyhub.worker.provider.ProviderContractTests;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Twilio provider against WireMock answering with the Messages API's real request and response shapes. */
class TwilioSmsProviderTests extends ProviderContractTests {

    private static final String SID = "AC0123456789abcdef0123456789abcdef";
    private static final String TOKEN = "twilio-auth-token";
    private static final String MESSAGES = "/2010-04-01/Accounts/" + SID + "/Messages.json";

    @RegisterExtension
    static final WireMockExtension twilio = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static boolean warm;

    /** One throwaway call first, so no case pays for a cold HTTP client and server on a loaded machine. */
    @BeforeEach
    void warmUp() {
        if (!warm) {
            provider(twilio.baseUrl(), TOKEN).send(request());
            twilio.resetAll();
            warm = true;
        }
    }

    @Override
    protected DeliveryRequest request() {
        return new DeliveryRequest(
                "65f1a2b3c4d5e6f708192a3b",
                Channel.SMS,
                Map.of("phone", "+14155550123", "message", "Your code is 123456"),
                1);
    }

    @Override
    protected NotificationProvider accepting() {
        answer(aResponse()
                .withStatus(201)
                .withHeader("Content-Type", "application/json")
                .withBody("""
                {"account_sid":"%s","api_version":"2010-04-01","body":"Your code is 123456",
                 "date_created":"Thu, 24 Aug 2023 05:01:45 +0000","direction":"outbound-api","error_code":null,
                 "error_message":null,"from":"+15005550006","num_segments":"1","price":null,
                 "sid":"SM1f0e8ae6ade43cb3c0ce4525424e404f","status":"queued","to":"+14155550123",
                 "uri":"/2010-04-01/Accounts/%s/Messages/SM1f0e8ae6ade43cb3c0ce4525424e404f.json"}
                """.formatted(SID, SID)));
        return provider(twilio.baseUrl(), TOKEN);
    }

    @Override
    protected void assertDelivered(DeliveryRequest request, String providerMessageId) {
        assertThat(providerMessageId).isEqualTo("SM1f0e8ae6ade43cb3c0ce4525424e404f");
        twilio.verify(
                1,
                postRequestedFor(urlEqualTo(MESSAGES))
                        .withBasicAuth(new com.github.tomakehurst.wiremock.client.BasicCredentials(SID, TOKEN))
                        .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
                        .withFormParam("To", equalTo("+14155550123"))
                        .withFormParam("From", equalTo("+15005550006"))
                        .withFormParam("Body", equalTo("Your code is 123456")));
    }

    @Override
    protected NotificationProvider rejectingTheRecipient() {
        answer(error(400, 21211, "The 'To' number +14155550123 is not a valid phone number."));
        return provider(twilio.baseUrl(), TOKEN);
    }

    @Override
    protected NotificationProvider failingTransiently() {
        answer(error(503, 20503, "Service unavailable"));
        return provider(twilio.baseUrl(), TOKEN);
    }

    @Override
    protected NotificationProvider withBadCredentials() {
        answer(error(401, 20003, "Authenticate"));
        return provider(twilio.baseUrl(), "wrong-token");
    }

    @Override
    protected NotificationProvider hanging() {
        answer(aResponse().withStatus(201).withFixedDelay(5_000).withBody("{\"sid\":\"SMlate\"}"));
        return provider(twilio.baseUrl(), TOKEN);
    }

    @Override
    protected NotificationProvider unreachable(int port) {
        return provider("http://127.0.0.1:" + port, TOKEN);
    }

    @Override
    protected NotificationProvider throttling(Duration retryAfter) {
        answer(error(429, 20429, "Too Many Requests").withHeader("Retry-After", Long.toString(retryAfter.toSeconds())));
        return provider(twilio.baseUrl(), TOKEN);
    }

    @Test
    void shouldReadARetryAfterGivenAsAnHttpDate() {
        String in30s = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(30));
        answer(error(429, 20429, "Too Many Requests").withHeader("Retry-After", in30s));

        assertThat(provider(twilio.baseUrl(), TOKEN).send(request()))
                .isInstanceOfSatisfying(
                        DeliveryResult.Retryable.class,
                        retryable -> assertThat(retryable.retryAfter())
                                .isBetween(Duration.ofSeconds(27), Duration.ofSeconds(30)));
    }

    @Test
    void shouldCallANumberThatCannotReceiveSmsPermanent() {
        answer(error(400, 21614, "'To' number is not a valid mobile number"));

        DeliveryResult result = provider(twilio.baseUrl(), TOKEN).send(request());

        assertThat(result)
                .isInstanceOfSatisfying(
                        DeliveryResult.Permanent.class,
                        permanent ->
                                assertThat(permanent.reason()).contains("21614").contains("not a mobile number"));
    }

    @Test
    void shouldCallAnUnsubscribedRecipientPermanent() {
        answer(error(400, 21610, "Attempt to send to unsubscribed recipient"));

        assertThat(provider(twilio.baseUrl(), TOKEN).send(request()))
                .isInstanceOfSatisfying(
                        DeliveryResult.Permanent.class,
                        permanent -> assertThat(permanent.reason()).contains("21610"));
    }

    @Test
    void shouldCallAnInternalServerErrorRetryable() {
        answer(aResponse().withStatus(500).withBody("<html>oops</html>"));

        assertThat(provider(twilio.baseUrl(), TOKEN).send(request()))
                .isInstanceOfSatisfying(
                        DeliveryResult.Retryable.class,
                        retryable -> assertThat(retryable.reason()).contains("500"));
    }

    @Test
    void shouldSendThroughAMessagingServiceWhenOneIsConfigured() {
        accepting();
        TwilioSmsProvider provider = new TwilioSmsProvider(
                new TwilioProperties(
                        URI.create(twilio.baseUrl()),
                        SID,
                        TOKEN,
                        null,
                        "MG9752274e9e519418a7406176694466fa",
                        TIMEOUT,
                        TIMEOUT),
                Clock.systemUTC());

        assertThat(provider.send(request())).isInstanceOf(DeliveryResult.Sent.class);

        twilio.verify(postRequestedFor(urlEqualTo(MESSAGES))
                .withFormParam("MessagingServiceSid", equalTo("MG9752274e9e519418a7406176694466fa")));
    }

    private static void answer(ResponseDefinitionBuilder response) {
        twilio.stubFor(post(urlEqualTo(MESSAGES)).willReturn(response));
    }

    /** Twilio's error body: {@code {code, message, more_info, status}}. */
    private static ResponseDefinitionBuilder error(int status, int code, String message) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody("""
                {"code":%d,"message":"%s","more_info":"https://www.twilio.com/docs/errors/%d","status":%d}
                """.formatted(code, message, code, status));
    }

    private static NotificationProvider provider(String baseUrl, String token) {
        return new TwilioSmsProvider(
                new TwilioProperties(URI.create(baseUrl), SID, token, "+15005550006", null, TIMEOUT, TIMEOUT),
                Clock.systemUTC());
    }
}
