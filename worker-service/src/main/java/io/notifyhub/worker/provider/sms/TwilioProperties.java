package io.notifyhub.worker.provider.sms;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Twilio's Messages API. The provider exists only when {@code account-sid} is set; the account SID and auth
 * token come from the environment ({@code NOTIFYHUB_PROVIDERS_TWILIO_ACCOUNT_SID},
 * {@code NOTIFYHUB_PROVIDERS_TWILIO_AUTH_TOKEN}).
 *
 * @param baseUrl             the API's root (tests point it at WireMock)
 * @param accountSid          the Twilio account; the {@code twilio} provider exists only when it is set
 * @param authToken           the account's auth token (a secret: from the environment only)
 * @param from                the sending number (E.164), unless {@code messagingServiceSid} is set
 * @param messagingServiceSid a Messaging Service that picks the sender itself
 * @param connectTimeout      bound on opening the connection
 * @param timeout             bound on the whole request, answer included
 */
@ConfigurationProperties("notifyhub.providers.twilio")
public record TwilioProperties(
        @DefaultValue("https://api.twilio.com") URI baseUrl,
        String accountSid,
        String authToken,
        String from,
        String messagingServiceSid,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("10s") Duration timeout) {

    public TwilioProperties {
        if (accountSid != null && !accountSid.isBlank()) {
            if (authToken == null || authToken.isBlank()) {
                throw new IllegalArgumentException(
                        "notifyhub.providers.twilio.auth-token is required with an account SID");
            }
            if ((from == null || from.isBlank()) && (messagingServiceSid == null || messagingServiceSid.isBlank())) {
                throw new IllegalArgumentException("notifyhub.providers.twilio needs from or messaging-service-sid");
            }
        }
    }
}
