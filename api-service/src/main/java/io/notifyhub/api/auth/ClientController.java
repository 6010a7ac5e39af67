package io.notifyhub.api.auth;

import io.notifyhub.api.job.EmailAddresses;
import io.notifyhub.api.job.FieldProblem;
import io.notifyhub.api.job.InvalidRequestException;
import io.notifyhub.api.webhook.CallbackTargets;
import io.notifyhub.api.webhook.WebhookProperties;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * A client's settings, for admin keys: its default webhook, its webhook signing secret (rotated here, shown only
 * when made) and the email senders verified for it.
 */
@RestController
@RequestMapping(path = "/api/admin/clients/{clientId}", produces = MediaType.APPLICATION_JSON_VALUE)
class ClientController {

    static final int MAX_SENDERS = 100;
    private static final Set<String> FIELDS = Set.of("callbackUrl", "webhookSecret", "senders", "retention");
    static final Duration MIN_RETENTION = Duration.ofHours(1);
    static final Duration MAX_RETENTION = Duration.ofDays(3650);

    private final Clients clients;
    private final CallbackTargets targets;
    private final Duration secretOverlap;

    ClientController(Clients clients, CallbackTargets targets, WebhookProperties webhooks) {
        this.clients = clients;
        this.targets = targets;
        this.secretOverlap = webhooks.secretOverlap();
    }

    @GetMapping
    @Operation(summary = "A client's settings (admin); the signing secret is never shown")
    @ApiResponse(responseCode = "200", description = "The settings (empty ones when none were set)")
    @ApiResponse(
            responseCode = "403",
            description = "Not an admin key",
            content = @Content(mediaType = "application/problem+json"))
    SettingsView get(@Parameter(hidden = true) Caller caller, @PathVariable String clientId) {
        Admins.require(caller);
        return SettingsView.of(clients.settings(clientId).orElseGet(() -> ClientSettings.none(clientId)));
    }

    /**
     * Changes a client's settings: {@code {"callbackUrl": "...", "webhookSecret": "...", "senders": [...]}}. A
     * field left out is kept; {@code null} unsets it.
     */
    @PutMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Set a client's default webhook, signing secret and verified senders (admin)",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content = @Content(schema = @Schema(implementation = SettingsRequest.class))))
    @ApiResponse(
            responseCode = "200",
            description = "The settings now in force (within notifyhub.api.auth.cache-for on every replica)")
    @ApiResponse(
            responseCode = "403",
            description = "Not an admin key",
            content = @Content(mediaType = "application/problem+json"))
    SettingsView put(
            @Parameter(hidden = true) Caller caller, @PathVariable String clientId, @RequestBody JsonNode body) {
        Admins.require(caller);
        List<FieldProblem> problems = new ArrayList<>();
        checkClientId(clientId, problems);
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException(
                    "body", "must be a JSON object with callbackUrl, webhookSecret, senders or retention");
        }
        body.propertyNames().stream()
                .filter(name -> !FIELDS.contains(name))
                .forEach(name -> problems.add(new FieldProblem(name, "unknown field")));
        Optional<String> callbackUrl =
                body.has("callbackUrl") ? Optional.ofNullable(text(body, "callbackUrl", 2048, problems)) : null;
        if (callbackUrl != null && callbackUrl.isPresent()) {
            targets.checkUrl(callbackUrl.get())
                    .ifPresent(reason -> problems.add(new FieldProblem("callbackUrl", reason)));
        }
        Optional<String> secret =
                body.has("webhookSecret") ? Optional.ofNullable(text(body, "webhookSecret", 256, problems)) : null;
        if (secret != null && secret.isPresent() && secret.get().length() < 16) {
            problems.add(new FieldProblem("webhookSecret", "must be at least 16 characters"));
        }
        Optional<List<String>> senders =
                body.has("senders") ? Optional.ofNullable(senders(body.get("senders"), problems)) : null;
        Optional<Duration> retention = body.has("retention") ? Optional.ofNullable(retention(body, problems)) : null;
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        return SettingsView.of(clients.update(clientId, new Clients.Change(callbackUrl, secret, senders, retention)));
    }

    /**
     * A new signing secret, shown this once. The one it replaces keeps signing too (a second {@code v1} in the
     * signature header) for {@code notifyhub.webhooks.secret-overlap}.
     */
    @PostMapping("/webhook-secret")
    @Operation(summary = "Rotate a client's webhook signing secret (admin); the new one is shown this once")
    @ApiResponse(
            responseCode = "200",
            description = "The new secret; the previous one signs too until previousSecretValidUntil")
    @ApiResponse(
            responseCode = "400",
            description = "Not a valid client id",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(
            responseCode = "403",
            description = "Not an admin key",
            content = @Content(mediaType = "application/problem+json"))
    RotatedSecret rotate(@Parameter(hidden = true) Caller caller, @PathVariable String clientId) {
        Admins.require(caller);
        List<FieldProblem> problems = new ArrayList<>();
        checkClientId(clientId, problems);
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        ClientSettings rotated = clients.rotateSecret(clientId, secretOverlap);
        return new RotatedSecret(clientId, rotated.webhookSecret(), rotated.previousSecretUntil());
    }

    private static void checkClientId(String clientId, List<FieldProblem> problems) {
        if (!ApiKeys.isValidClientId(clientId)) {
            problems.add(new FieldProblem("clientId", "must be 1 to 64 letters, digits, '.', '_' or '-'"));
        }
    }

    /** Exact addresses or whole domains, in lower case, each once. */
    private static List<String> senders(JsonNode senders, List<FieldProblem> problems) {
        if (senders == null || senders.isNull()) {
            return null;
        }
        if (!senders.isArray() || senders.size() > MAX_SENDERS) {
            problems.add(new FieldProblem(
                    "senders",
                    "must be an array of at most " + MAX_SENDERS
                            + " addresses (team@example.com) or domains (example.com), or null"));
            return null;
        }
        Set<String> read = new LinkedHashSet<>();
        for (int i = 0; i < senders.size(); i++) {
            JsonNode sender = senders.get(i);
            String text = sender.isString() ? sender.asString() : null;
            String normalized = text == null
                    ? null
                    : text.indexOf('@') >= 0
                            ? EmailAddresses.parseAddress(text)
                                    .map(a -> a.normalized().toLowerCase(Locale.ROOT))
                                    .orElse(null)
                            : EmailAddresses.isDomain(text) ? text.toLowerCase(Locale.ROOT) : null;
            if (normalized == null) {
                problems.add(new FieldProblem(
                        "senders[" + i + "]",
                        "must be an email address (team@example.com) " + "or a domain (example.com)"));
            } else {
                read.add(normalized);
            }
        }
        return List.copyOf(read);
    }

    /** An ISO-8601 duration ({@code P7D}, {@code PT12H}) from an hour to ten years. */
    private static Duration retention(JsonNode body, List<FieldProblem> problems) {
        String text = text(body, "retention", 32, problems);
        if (text == null) {
            return null;
        }
        try {
            Duration retention = Duration.parse(text);
            if (retention.compareTo(MIN_RETENTION) >= 0 && retention.compareTo(MAX_RETENTION) <= 0) {
                return retention;
            }
        } catch (java.time.format.DateTimeParseException notADuration) {
            // reported below
        }
        problems.add(
                new FieldProblem("retention", "must be an ISO-8601 duration from PT1H to P3650D (e.g. P7D), or null"));
        return null;
    }

    private static String text(JsonNode body, String field, int max, List<FieldProblem> problems) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString() || value.asString().isBlank() || value.asString().length() > max) {
            problems.add(new FieldProblem(field, "must be a string of 1 to " + max + " characters, or null"));
            return null;
        }
        return value.asString();
    }

    @Schema(name = "ClientSettingsRequest", description = "a field left out is kept; null unsets it")
    record SettingsRequest(
            @Schema(types = {"string", "null"}) String callbackUrl,

            @Schema(
                    types = {"string", "null"},
                    minLength = 16)
            String webhookSecret,

            @Schema(
                    types = {"array", "null"},
                    description = "addresses (team@example.com) or whole domains (example.com)")
            List<String> senders,

            @Schema(
                    types = {"string", "null"},
                    description = "how long the client's finished jobs are kept, an "
                            + "ISO-8601 duration from PT1H to P3650D (e.g. P7D); null: notifyhub.retention.jobs")
            String retention) {}

    @Schema(name = "ClientSettings")
    record SettingsView(
            String clientId,
            @Schema(types = {"string", "null"}) String callbackUrl,
            boolean webhookSecretSet,
            List<String> senders,

            @Schema(
                    types = {"string", "null"},
                    format = "date-time")
            Instant updatedAt,

            @Schema(
                    types = {"string", "null"},
                    description = "ISO-8601 duration; null: the default")
            String retention) {
        static SettingsView of(ClientSettings settings) {
            return new SettingsView(
                    settings.clientId(),
                    settings.callbackUrl(),
                    settings.webhookSecret() != null,
                    settings.senders(),
                    settings.updatedAt(),
                    settings.retentionSeconds() == null
                            ? null
                            : Duration.ofSeconds(settings.retentionSeconds()).toString());
        }
    }

    @Schema(name = "RotatedWebhookSecret")
    record RotatedSecret(
            String clientId,
            String webhookSecret,

            @Schema(
                    types = {"string", "null"},
                    format = "date-time")
            Instant previousSecretValidUntil) {}
}
