package io.notifyhub.api.auth;

import io.notifyhub.api.job.FieldProblem;
import io.notifyhub.api.job.InvalidRequestException;
import io.notifyhub.api.webhook.CallbackTargets;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** A client's settings, for admin keys: its default webhook and its webhook signing key. */
@RestController
@RequestMapping(path = "/api/admin/clients/{clientId}", produces = MediaType.APPLICATION_JSON_VALUE)
class ClientController {

    private static final Set<String> FIELDS = Set.of("callbackUrl", "webhookSecret");

    private final Clients clients;
    private final CallbackTargets targets;

    ClientController(Clients clients, CallbackTargets targets) {
        this.clients = clients;
        this.targets = targets;
    }

    @GetMapping
    @Operation(summary = "A client's settings (admin); the signing key is never shown")
    @ApiResponse(responseCode = "200", description = "The settings (empty ones when none were set)")
    @ApiResponse(responseCode = "403", description = "Not an admin key", content = @Content(mediaType = "application/problem+json"))
    SettingsView get(@Parameter(hidden = true) Caller caller, @PathVariable String clientId) {
        Admins.require(caller);
        return clients.settings(clientId).map(SettingsView::of)
                .orElseGet(() -> new SettingsView(clientId, null, false, null));
    }

    /**
     * Replaces a client's settings: {@code {"callbackUrl": "...", "webhookSecret": "..."}}, either may be null
     * or absent (unset).
     */
    @PutMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Set a client's default webhook and signing key (admin)", requestBody =
            @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(schema =
                    @Schema(implementation = SettingsRequest.class))))
    @ApiResponse(responseCode = "200", description = "The settings now in force (within notifyhub.api.auth.cache-for on every replica)")
    @ApiResponse(responseCode = "403", description = "Not an admin key", content = @Content(mediaType = "application/problem+json"))
    SettingsView put(@Parameter(hidden = true) Caller caller, @PathVariable String clientId, @RequestBody JsonNode body) {
        Admins.require(caller);
        List<FieldProblem> problems = new ArrayList<>();
        if (!ApiKeys.isValidClientId(clientId)) {
            problems.add(new FieldProblem("clientId", "must be 1 to 64 letters, digits, '.', '_' or '-'"));
        }
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException("body", "must be a JSON object with callbackUrl and webhookSecret");
        }
        body.propertyNames().stream().filter(name -> !FIELDS.contains(name))
                .forEach(name -> problems.add(new FieldProblem(name, "unknown field")));
        String callbackUrl = text(body, "callbackUrl", 2048, problems);
        if (callbackUrl != null) {
            targets.checkUrl(callbackUrl).ifPresent(reason -> problems.add(new FieldProblem("callbackUrl", reason)));
        }
        String secret = text(body, "webhookSecret", 256, problems);
        if (secret != null && secret.length() < 16) {
            problems.add(new FieldProblem("webhookSecret", "must be at least 16 characters"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        return SettingsView.of(clients.update(clientId, callbackUrl, secret));
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

    @Schema(name = "ClientSettingsRequest")
    record SettingsRequest(String callbackUrl, String webhookSecret) {
    }

    record SettingsView(String clientId, String callbackUrl, boolean webhookSecretSet, Instant updatedAt) {
        static SettingsView of(ClientSettings settings) {
            return new SettingsView(settings.clientId(), settings.callbackUrl(), settings.webhookSecret() != null,
                    settings.updatedAt());
        }
    }
}
