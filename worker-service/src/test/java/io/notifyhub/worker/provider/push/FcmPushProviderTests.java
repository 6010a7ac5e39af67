package io.notifyhub.worker.provider.push;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.notifyhub.model.Channel;
import io.notifyhub.worker.provider.DeliveryRequest;
import io.notifyhub.worker.provider.DeliveryResult;
import io.notifyhub.worker.provider.NotificationProvider;
import io.notifyhub.worker.provider.ProviderContractTests;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The FCM provider against WireMock playing both Google's token endpoint and FCM HTTP v1, with a service
 * account whose RSA key the test generates.
 */
class FcmPushProviderTests extends ProviderContractTests {

    private static final String SEND = "/v1/projects/notifyhub-test/messages:send";
    private static final String TOKEN_PATH = "/token";

    @RegisterExtension
    static final WireMockExtension google = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static KeyPair keys;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @BeforeAll
    static void generateServiceAccountKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
    }

    private static boolean warm;

    /** One throwaway call first, so no case pays for a cold HTTP client and server on a loaded machine. */
    @BeforeEach
    void warmUp() {
        if (!warm) {
            provider(google.baseUrl()).send(request());
            google.resetAll();
            warm = true;
        }
    }

    @Override
    protected DeliveryRequest request() {
        return new DeliveryRequest(
                "65f1a2b3c4d5e6f708192a3b",
                Channel.PUSH,
                Map.of(
                        "token",
                        "device-token-1",
                        "title",
                        "Order shipped",
                        "body",
                        "Your order is on its way",
                        "data",
                        Map.of("orderId", "42")),
                1);
    }

    @Override
    protected NotificationProvider accepting() {
        issueTokens("ya29.first", 3599);
        answer(aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"name\":\"projects/notifyhub-test/messages/0:1700000000000000%31bd1c9631bd1c96\"}"));
        return provider(google.baseUrl());
    }

    @Override
    protected void assertDelivered(DeliveryRequest request, String providerMessageId) throws Exception {
        assertThat(providerMessageId).isEqualTo("projects/notifyhub-test/messages/0:1700000000000000%31bd1c9631bd1c96");
        google.verify(
                1,
                postRequestedFor(urlEqualTo(SEND))
                        .withHeader("Authorization", equalTo("Bearer ya29.first"))
                        .withRequestBody(equalToJson("""
                        {"message":{"token":"device-token-1",
                                    "notification":{"title":"Order shipped","body":"Your order is on its way"},
                                    "data":{"orderId":"42"}}}
                        """)));
        // the token request: an RS256 JWT signed with the service account's key, for the FCM scope
        List<LoggedRequest> exchanges = google.findAll(postRequestedFor(urlEqualTo(TOKEN_PATH)));
        assertThat(exchanges).hasSize(1);
        Map<String, String> form = form(exchanges.getFirst().getBodyAsString());
        assertThat(form).containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
        SignedJWT jwt = SignedJWT.parse(form.get("assertion"));
        assertThat(jwt.verify(new RSASSAVerifier((RSAPublicKey) keys.getPublic())))
                .isTrue();
        assertThat(jwt.getHeader().getKeyID()).isEqualTo("key-1");
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo("notifyhub@notifyhub-test.iam.gserviceaccount.com");
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly(google.baseUrl() + TOKEN_PATH);
        assertThat(jwt.getJWTClaimsSet().getStringClaim("scope")).isEqualTo(FcmAccessTokens.SCOPE);
    }

    @Override
    protected NotificationProvider rejectingTheRecipient() {
        issueTokens("ya29.first", 3599);
        answer(fcmError(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED"));
        return provider(google.baseUrl());
    }

    @Override
    protected NotificationProvider failingTransiently() {
        issueTokens("ya29.first", 3599);
        answer(fcmError(503, "UNAVAILABLE", "The service is currently unavailable.", "UNAVAILABLE"));
        return provider(google.baseUrl());
    }

    @Override
    protected NotificationProvider withBadCredentials() {
        google.stubFor(post(urlEqualTo(TOKEN_PATH))
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}")));
        return provider(google.baseUrl());
    }

    @Override
    protected NotificationProvider hanging() {
        issueTokens("ya29.first", 3599);
        answer(aResponse().withStatus(200).withFixedDelay(5_000).withBody("{\"name\":\"late\"}"));
        return provider(google.baseUrl());
    }

    @Override
    protected NotificationProvider unreachable(int port) {
        return provider("http://127.0.0.1:" + port, "http://127.0.0.1:" + port + TOKEN_PATH);
    }

    @Override
    protected NotificationProvider throttling(Duration retryAfter) {
        issueTokens("ya29.first", 3599);
        answer(fcmError(429, "RESOURCE_EXHAUSTED", "Quota exceeded.", "QUOTA_EXCEEDED")
                .withHeader("Retry-After", Long.toString(retryAfter.toSeconds())));
        return provider(google.baseUrl());
    }

    @Test
    void shouldCallAnInvalidArgumentPermanent() {
        issueTokens("ya29.first", 3599);
        answer(fcmError(
                400,
                "INVALID_ARGUMENT",
                "The registration token is not a valid FCM registration token",
                "INVALID_ARGUMENT"));

        assertThat(provider(google.baseUrl()).send(request()))
                .isInstanceOfSatisfying(
                        DeliveryResult.Permanent.class,
                        permanent -> assertThat(permanent.reason()).contains("INVALID_ARGUMENT"));
    }

    @Test
    void shouldCallAnInternalErrorRetryable() {
        issueTokens("ya29.first", 3599);
        answer(fcmError(500, "INTERNAL", "Internal error encountered.", "INTERNAL"));

        assertThat(provider(google.baseUrl()).send(request())).isInstanceOf(DeliveryResult.Retryable.class);
    }

    @Test
    void shouldReuseTheAccessTokenUntilShortlyBeforeItExpires() {
        NotificationProvider provider = accepting();

        provider.send(request());
        clock.advance(Duration.ofMinutes(57));
        provider.send(request());
        assertThat(google.findAll(postRequestedFor(urlEqualTo(TOKEN_PATH))))
                .as("cached")
                .hasSize(1);

        issueTokens("ya29.second", 3599);
        clock.advance(Duration.ofMinutes(2)); // 59 min: inside the last minute of the token's hour
        assertThat(provider.send(request())).isInstanceOf(DeliveryResult.Sent.class);

        assertThat(google.findAll(postRequestedFor(urlEqualTo(TOKEN_PATH))))
                .as("refreshed")
                .hasSize(2);
        google.verify(1, postRequestedFor(urlEqualTo(SEND)).withHeader("Authorization", equalTo("Bearer ya29.second")));
    }

    @Test
    void shouldFetchANewTokenWhenFcmRefusesTheCachedOne() {
        NotificationProvider provider = accepting();
        provider.send(request());
        google.stubFor(post(urlEqualTo(SEND))
                .withHeader("Authorization", equalTo("Bearer ya29.first"))
                .willReturn(fcmError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.", null)));
        issueTokens("ya29.second", 3599);

        assertThat(provider.send(request())).isInstanceOf(DeliveryResult.Sent.class);

        google.verify(1, postRequestedFor(urlEqualTo(SEND)).withHeader("Authorization", equalTo("Bearer ya29.second")));
    }

    @Test
    void shouldCallABusyTokenEndpointRetryable() {
        google.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(503)));

        assertThat(provider(google.baseUrl()).send(request())).isInstanceOf(DeliveryResult.Retryable.class);
    }

    private static void issueTokens(String token, int expiresIn) {
        google.stubFor(post(urlEqualTo(TOKEN_PATH))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"access_token\":\"%s\",\"expires_in\":%d,\"token_type\":\"Bearer\"}"
                                .formatted(token, expiresIn))));
    }

    private static void answer(ResponseDefinitionBuilder response) {
        google.stubFor(post(urlEqualTo(SEND)).willReturn(response));
    }

    /** FCM v1's error shape: a google.rpc.Status with an FcmError detail. */
    private static ResponseDefinitionBuilder fcmError(int status, String rpcStatus, String message, String fcmCode) {
        String details = fcmCode == null ? "[]" : """
                [{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"%s"}]""".formatted(fcmCode);
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody("""
                {"error":{"code":%d,"message":"%s","status":"%s","details":%s}}""".formatted(status, message, rpcStatus, details));
    }

    private NotificationProvider provider(String baseUrl) {
        return provider(baseUrl, google.baseUrl() + TOKEN_PATH);
    }

    private NotificationProvider provider(String baseUrl, String tokenUri) {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        String serviceAccount = """
                {"type":"service_account","project_id":"notifyhub-test","private_key_id":"key-1",
                 "private_key":"%s","client_email":"notifyhub@notifyhub-test.iam.gserviceaccount.com",
                 "token_uri":"%s"}""".formatted(pem.replace("\n", "\\n"), tokenUri);
        return new FcmPushProvider(
                new FcmProperties(URI.create(baseUrl), serviceAccount, null, null, null, TIMEOUT, TIMEOUT), clock);
    }

    private static Map<String, String> form(String body) {
        return java.util.Arrays.stream(body.split("&"))
                .map(pair -> pair.split("=", 2))
                .collect(java.util.stream.Collectors.toMap(
                        p -> p[0], p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
    }

    /** A clock the test moves by hand, to cross the token's expiry without waiting an hour. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
