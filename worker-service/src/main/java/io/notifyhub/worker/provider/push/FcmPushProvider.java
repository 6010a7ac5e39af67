package io.notifyhub.worker.provider.push;

import io.notifyhub.model.Channel;
import io.notifyhub.worker.provider.DeliveryRequest;
import io.notifyhub.worker.provider.DeliveryResult;
import io.notifyhub.worker.provider.NotificationProvider;
import io.notifyhub.worker.provider.http.HttpAnswer;
import io.notifyhub.worker.provider.http.HttpOutcomes;
import io.notifyhub.worker.provider.http.ProviderHttp;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Push through Firebase Cloud Messaging HTTP v1: {@code POST /v1/projects/{project}/messages:send} with an
 * OAuth2 access token from the service account ({@link FcmAccessTokens}). The message's {@code name} is the
 * provider's id. FCM's error code decides the outcome: a token that is gone or a message FCM refuses is
 * permanent; quota, unavailability and internal errors are retryable. Calls go through a {@link RestClient}
 * (metrics {@code http.client.requests} with the uri template {@value #SEND}).
 */
public class FcmPushProvider implements NotificationProvider {

    public static final String NAME = "fcm";
    /** The send API, as a template: the metrics' uri tag. */
    static final String SEND = "/v1/projects/{project}/messages:send";

    private static final Set<String> PERMANENT = Set.of(
            "UNREGISTERED",
            "INVALID_ARGUMENT",
            "SENDER_ID_MISMATCH",
            "THIRD_PARTY_AUTH_ERROR",
            "PERMISSION_DENIED",
            "NOT_FOUND");

    private final FcmProperties properties;
    private final RestClient http;
    private final FcmAccessTokens tokens;
    private final String project;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();

    /** Without observation: for tests and tools outside Spring. */
    public FcmPushProvider(FcmProperties properties, Clock clock) {
        this(properties, RestClient.builder(), clock);
    }

    public FcmPushProvider(FcmProperties properties, RestClient.Builder restClients, Clock clock) {
        this.properties = properties;
        this.clock = clock;
        this.http = ProviderHttp.client(
                restClients, properties.baseUrl().toString(), properties.connectTimeout(), properties.timeout());
        ServiceAccount account = ServiceAccount.from(properties);
        this.tokens = new FcmAccessTokens(account, http, clock);
        this.project = account.projectId();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Channel> channels() {
        return Set.of(Channel.PUSH);
    }

    @Override
    public DeliveryResult send(DeliveryRequest request) {
        String body = json.writeValueAsString(message(request));
        try {
            HttpAnswer response = post(body, tokens.token());
            if (response.status() == 401) {
                // the cached token was revoked or expired early: one more try with a fresh one
                response = post(body, tokens.token());
            }
            return outcome(response);
        } catch (FcmAccessTokens.TokenException e) {
            return e.retryable
                    ? new DeliveryResult.Retryable("FCM " + e.getMessage(), e.retryAfter)
                    : new DeliveryResult.Permanent("FCM credentials refused: " + e.getMessage());
        } catch (IOException e) {
            return HttpOutcomes.unanswered(NAME, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryResult.Retryable("interrupted while calling FCM");
        }
    }

    private HttpAnswer post(String body, String token) throws IOException, InterruptedException {
        HttpAnswer response = HttpAnswer.exchange(http.post()
                .uri(SEND, project)
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON)
                .body(body));
        if (response.status() == 401) {
            tokens.invalidate(token);
        }
        return response;
    }

    private ObjectNode message(DeliveryRequest request) {
        ObjectNode root = json.createObjectNode();
        ObjectNode message = root.putObject("message");
        message.put("token", request.text("token"));
        ObjectNode notification = message.putObject("notification");
        notification.put("title", request.text("title"));
        notification.put("body", request.text("body"));
        if (request.payload().get("data") instanceof Map<?, ?> data && !data.isEmpty()) {
            ObjectNode fields = message.putObject("data"); // FCM wants string values only
            data.forEach((key, value) -> fields.put(String.valueOf(key), String.valueOf(value)));
        }
        return root;
    }

    private DeliveryResult outcome(HttpAnswer response) {
        JsonNode body;
        try {
            body = json.readTree(response.body() == null || response.body().isBlank() ? "{}" : response.body());
        } catch (RuntimeException e) {
            body = json.createObjectNode();
        }
        if (response.status() == 200) {
            JsonNode name = body.get("name");
            return name != null && name.isString()
                    ? new DeliveryResult.Sent(name.asString())
                    : new DeliveryResult.Retryable("FCM answered 200 without a message name");
        }
        String code = errorCode(body.path("error"));
        String detail = code + ": " + body.path("error").path("message").asString("");
        if (PERMANENT.contains(code)) {
            return new DeliveryResult.Permanent("FCM " + detail);
        }
        if (response.status() == 401) {
            return new DeliveryResult.Permanent("FCM refused our credentials twice: " + detail);
        }
        return HttpOutcomes.retryable(NAME, response, detail, clock)
                .orElseGet(() -> new DeliveryResult.Permanent(
                        "FCM rejected the message (" + response.status() + "): " + detail));
    }

    /** FCM's own code ({@code details[].errorCode}, e.g. UNREGISTERED), else the RPC status. */
    private static String errorCode(JsonNode error) {
        for (JsonNode detail : error.path("details")) {
            JsonNode code = detail.get("errorCode");
            if (code != null && code.isString()) {
                return code.asString();
            }
        }
        JsonNode status = error.get("status");
        return status != null && status.isString() ? status.asString() : "UNKNOWN";
    }
}
