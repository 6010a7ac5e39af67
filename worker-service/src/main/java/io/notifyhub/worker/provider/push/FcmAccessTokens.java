package io.notifyhub.worker.provider.push;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.notifyhub.worker.provider.http.HttpAnswer;
import io.notifyhub.worker.provider.http.HttpOutcomes;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * OAuth2 access tokens for FCM, the service-account way (RFC 7523): a JWT signed with the account's key
 * (RS256) is exchanged at the token URI for an access token, which is cached until shortly before it
 * expires. All sending threads share one token; one of them refreshes it.
 */
class FcmAccessTokens {

    static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
    /** Refresh this long before the token expires, so no request carries a token that expires on the way. */
    static final Duration REFRESH_EARLY = Duration.ofMinutes(1);

    private final ServiceAccount account;
    private final RestClient http;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();
    private String token;
    private Instant refreshAt = Instant.MIN;

    /** @param http the provider's client: its timeouts apply, and the exchange is observed like a send */
    FcmAccessTokens(ServiceAccount account, RestClient http, Clock clock) {
        this.account = account;
        this.http = http;
        this.clock = clock;
    }

    /**
     * @throws TokenException when no token could be had
     */
    synchronized String token() throws IOException, InterruptedException {
        if (token == null || !clock.instant().isBefore(refreshAt)) {
            exchange();
        }
        return token;
    }

    /** Forgets the cached token (FCM said it is no longer valid). */
    synchronized void invalidate(String rejected) {
        if (rejected.equals(token)) {
            token = null;
        }
    }

    private void exchange() throws IOException, InterruptedException {
        Instant now = clock.instant();
        String form =
                "grant_type=" + URLEncoder.encode("urn:ietf:params:oauth:grant-type:jwt-bearer", StandardCharsets.UTF_8)
                        + "&assertion=" + assertion(now);
        // the token URI as the template: the metrics' uri tag is its path (e.g. /token)
        HttpAnswer response = HttpAnswer.exchange(http.post()
                .uri(account.tokenUri().toString())
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(form));
        JsonNode body;
        try {
            body = json.readTree(response.body());
        } catch (RuntimeException e) {
            body = json.createObjectNode();
        }
        JsonNode accessToken = body.get("access_token");
        if (response.status() == 200 && accessToken != null && accessToken.isString()) {
            long expiresIn = body.path("expires_in").asLong(3600);
            token = accessToken.asString();
            refreshAt = now.plusSeconds(expiresIn).minus(REFRESH_EARLY);
            return;
        }
        String detail = "token exchange answered " + response.status() + ": " + response.body();
        boolean retryable = response.status() == 429 || response.status() == 408 || response.status() >= 500;
        throw new TokenException(detail, retryable, retryable ? HttpOutcomes.retryAfter(response, clock) : null);
    }

    private String assertion(Instant now) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(account.clientEmail())
                .subject(account.clientEmail())
                .audience(account.tokenUri().toString())
                .claim("scope", SCOPE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(3600)))
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(account.privateKeyId())
                        .build(),
                claims);
        try {
            jwt.sign(new RSASSASigner(account.privateKey()));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign the FCM token request", e);
        }
        return jwt.serialize();
    }

    /** The token endpoint refused; {@code retryable} when it was busy rather than refusing our key. */
    static final class TokenException extends IOException {
        final boolean retryable;
        final Duration retryAfter;

        TokenException(String message, boolean retryable, Duration retryAfter) {
            super(message);
            this.retryable = retryable;
            this.retryAfter = retryAfter;
        }
    }
}
