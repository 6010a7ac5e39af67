package io.notifyhub.api.auth;

import io.notifyhub.api.job.FieldProblem;
import io.notifyhub.api.job.InvalidRequestException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Key management, for admin keys only: create a key for a client, list keys, revoke one. */
@RestController
@RequestMapping(path = "/api/admin/keys", produces = MediaType.APPLICATION_JSON_VALUE)
class KeyController {

    private final ApiKeys keys;
    private final Clients clients;

    KeyController(ApiKeys keys, Clients clients) {
        this.keys = keys;
        this.clients = clients;
    }

    /**
     * {@code {"clientId": "...", "admin": false}} → {@code 201} with the key, shown this once; for a client that has
     * no webhook signing secret yet, also its new secret, shown this once too.
     */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Create an API key for a client (admin)",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content = @Content(schema = @Schema(implementation = KeyRequest.class))))
    @ApiResponse(
            responseCode = "201",
            description =
                    "The key, shown this once (and the client's new webhook " + "signing secret, when it had none)")
    @ApiResponse(
            responseCode = "403",
            description = "Not an admin key",
            content = @Content(mediaType = "application/problem+json"))
    ResponseEntity<CreatedView> create(@Parameter(hidden = true) Caller caller, @RequestBody JsonNode body) {
        Admins.require(caller);
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException("body", "must be a JSON object with clientId and optionally admin");
        }
        List<FieldProblem> problems = new java.util.ArrayList<>();
        body.propertyNames().stream()
                .filter(name -> !name.equals("clientId") && !name.equals("admin"))
                .forEach(name -> problems.add(new FieldProblem(name, "unknown field")));
        JsonNode clientId = body.get("clientId");
        if (clientId == null || !clientId.isString() || !ApiKeys.isValidClientId(clientId.asString())) {
            problems.add(new FieldProblem("clientId", "must be 1 to 64 letters, digits, '.', '_' or '-'"));
        }
        JsonNode admin = body.get("admin");
        if (admin != null && !admin.isBoolean() && !admin.isNull()) {
            problems.add(new FieldProblem("admin", "must be true or false"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        ApiKeys.CreatedKey created = keys.create(clientId.asString(), admin != null && admin.asBoolean());
        String secret = clients.ensureSecret(created.clientId()).orElse(null);
        return ResponseEntity.created(URI.create("/api/admin/keys/" + created.keyId()))
                .body(new CreatedView(created.keyId(), created.key(), created.clientId(), created.admin(), secret));
    }

    /** A new key, and the client's webhook signing secret when this made it. */
    @Schema(name = "CreatedKey")
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record CreatedView(
            String keyId,
            String key,
            String clientId,
            boolean admin,

            @Schema(
                    description = "the client's new webhook signing secret, shown this once; absent when the "
                            + "client had one")
            String webhookSecret) {}

    /** Keys without their secrets, of one client or all. */
    @GetMapping
    @Operation(summary = "API keys, without their secrets (admin)")
    @ApiResponse(responseCode = "200", description = "The keys, newest first")
    @ApiResponse(
            responseCode = "403",
            description = "Not an admin key",
            content = @Content(mediaType = "application/problem+json"))
    List<KeyView> list(@Parameter(hidden = true) Caller caller, @RequestParam(required = false) String clientId) {
        Admins.require(caller);
        return keys.list(clientId).stream().map(KeyView::of).toList();
    }

    @DeleteMapping("/{keyId}")
    @Operation(summary = "Revoke an API key (admin)")
    @ApiResponse(
            responseCode = "204",
            description = "Revoked; refused by every replica within notifyhub.api.auth.cache-for")
    @ApiResponse(
            responseCode = "403",
            description = "Not an admin key",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "404", description = "No such live key")
    ResponseEntity<Void> revoke(@Parameter(hidden = true) Caller caller, @PathVariable String keyId) {
        Admins.require(caller);
        if (!keys.revoke(keyId)) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).build();
        }
        return ResponseEntity.noContent().build();
    }

    @Schema(name = "KeyRequest", requiredProperties = "clientId")
    record KeyRequest(String clientId, boolean admin) {}

    @Schema(name = "ApiKey")
    record KeyView(
            String keyId,
            String clientId,
            boolean admin,
            java.time.Instant createdAt,

            @Schema(
                    types = {"string", "null"},
                    format = "date-time")
            java.time.Instant revokedAt) {
        static KeyView of(ApiKey key) {
            return new KeyView(key.keyId(), key.clientId(), key.admin(), key.createdAt(), key.revokedAt());
        }
    }
}
