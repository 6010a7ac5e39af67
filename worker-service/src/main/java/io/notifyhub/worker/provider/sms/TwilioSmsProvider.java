package io.notifyhub.worker.provider.sms;

import io.notifyhub.model.Channel;
import io.notifyhub.worker.provider.DeliveryRequest;
import io.notifyhub.worker.provider.DeliveryResult;
import io.notifyhub.worker.provider.NotificationProvider;
import io.notifyhub.worker.provider.http.HttpAnswer;
import io.notifyhub.worker.provider.http.HttpOutcomes;
import io.notifyhub.worker.provider.http.ProviderHttp;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * SMS through Twilio's Messages API: a form POST to {@code /2010-04-01/Accounts/{sid}/Messages.json} with
 * basic auth. Success is {@code 201} with the message's {@code sid}; failures carry a Twilio error
 * {@code code}, which decides whether another attempt could help. Calls go through a {@link RestClient} (metrics
 * {@code http.client.requests} with the uri template {@value #MESSAGES}, never the account's URL).
 */
public class TwilioSmsProvider implements NotificationProvider {

    public static final String NAME = "twilio";
    /** The Messages API, as a template: the metrics' uri tag. */
    static final String MESSAGES = "/2010-04-01/Accounts/{sid}/Messages.json";

    /** Twilio error codes that no retry fixes: the number, the recipient's choice, or our credentials. */
    private static final Map<Integer, String> PERMANENT = Map.of(
            21211, "invalid 'To' number",
            21614, "'To' number is not a mobile number",
            21610, "recipient unsubscribed (replied STOP)",
            21612, "'To' number cannot be reached from this sender",
            21408, "no permission to send to this region",
            21617, "message body too long",
            20003, "authentication failed (check the account SID and auth token)",
            20404, "account or resource not found");

    private final TwilioProperties properties;
    private final RestClient http;
    private final JsonMapper json = JsonMapper.builder().build();
    private final Clock clock;
    private final String authorization;

    /** Without observation: for tests and tools outside Spring. */
    public TwilioSmsProvider(TwilioProperties properties, Clock clock) {
        this(properties, RestClient.builder(), clock);
    }

    public TwilioSmsProvider(TwilioProperties properties, RestClient.Builder restClients, Clock clock) {
        this.properties = properties;
        this.clock = clock;
        this.http = ProviderHttp.client(
                restClients, properties.baseUrl().toString(), properties.connectTimeout(), properties.timeout());
        this.authorization = "Basic "
                + Base64.getEncoder()
                        .encodeToString((properties.accountSid() + ":" + properties.authToken())
                                .getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Channel> channels() {
        return Set.of(Channel.SMS);
    }

    @Override
    public DeliveryResult send(DeliveryRequest request) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("To", request.text("phone"));
        if (properties.messagingServiceSid() != null
                && !properties.messagingServiceSid().isBlank()) {
            form.put("MessagingServiceSid", properties.messagingServiceSid());
        } else {
            form.put("From", properties.from());
        }
        form.put("Body", request.text("message"));
        HttpAnswer response;
        try {
            response = HttpAnswer.exchange(http.post()
                    .uri(MESSAGES, properties.accountSid())
                    .header("Authorization", authorization)
                    .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                    .accept(MediaType.APPLICATION_JSON)
                    .body(encode(form)));
        } catch (IOException e) {
            return HttpOutcomes.unanswered(NAME, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryResult.Retryable("interrupted while calling Twilio");
        }
        return outcome(response);
    }

    private DeliveryResult outcome(HttpAnswer response) {
        JsonNode body = parse(response.body());
        int status = response.status();
        if (status / 100 == 2) {
            String sid = body.path("sid").asString(null);
            return sid != null
                    ? new DeliveryResult.Sent(sid)
                    : new DeliveryResult.Retryable("Twilio answered " + status + " without a message sid");
        }
        int code = body.path("code").asInt(0);
        String detail =
                (code != 0 ? "error " + code + ": " : "") + body.path("message").asString(response.body());
        if (PERMANENT.containsKey(code)) {
            return new DeliveryResult.Permanent("Twilio " + PERMANENT.get(code) + " (" + detail + ")");
        }
        return HttpOutcomes.retryable(NAME, response, detail, clock)
                .orElseGet(() -> status == 401 || status == 403
                        ? new DeliveryResult.Permanent("Twilio refused our credentials (" + status + "): " + detail)
                        : new DeliveryResult.Permanent("Twilio rejected the message (" + status + "): " + detail));
    }

    private JsonNode parse(String body) {
        try {
            return json.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (RuntimeException e) {
            return json.createObjectNode();
        }
    }

    private static String encode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue() == null ? "" : e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
