package io.notifyhub.api.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The served OpenAPI document, read by tools that did not write it: swagger-parser must load it without a
 * message (every {@code $ref} resolves), and a live response is checked against it: its status must be
 * documented for the operation, and its body must match the documented schema (JSON Schema 2020-12, as OpenAPI
 * 3.1 says, validated by networknt's json-schema-validator).
 */
public final class OpenApiContract {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode document;
    private final JsonSchemaFactory schemas = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    private OpenApiContract(JsonNode document) {
        this.document = document;
    }

    /** Fetches {@code /api/openapi} and loads it with swagger-parser, which must report nothing. */
    public static OpenApiContract fetch(int port) {
        HttpResponse<String> served = new ApiClient(port, null).get("/api/openapi");
        assertThat(served.statusCode()).isEqualTo(200);
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setResolveFully(true);
        options.setValidateInternalRefs(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(served.body(), null, options);
        assertThat(parsed.getMessages())
                .as("swagger-parser's messages about the served document")
                .isEmpty();
        assertThat(parsed.getOpenAPI()).isNotNull();
        try {
            return new OpenApiContract(JSON.readTree(served.body()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public JsonNode document() {
        return document;
    }

    /**
     * Checks a live response against the document.
     *
     * @param path the operation's path as documented, e.g. {@code /api/jobs/{id}}
     * @return the problems; empty when the response matches
     */
    public List<String> problems(String method, String path, HttpResponse<String> response) {
        return problems(
                method,
                path,
                response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(""),
                response.body());
    }

    /** {@link #problems(String, String, HttpResponse)} of an answer given by its parts. */
    public List<String> problems(String method, String path, int statusCode, String contentType, String body) {
        String status = String.valueOf(statusCode);
        JsonNode operation = document.path("paths").path(path).path(method.toLowerCase(Locale.ROOT));
        if (operation.isMissingNode()) {
            return List.of(method + " " + path + " is not documented");
        }
        JsonNode documented = operation.path("responses").path(status);
        if (documented.isMissingNode()) {
            documented = operation.path("responses").path("default");
        }
        if (documented.isMissingNode()) {
            return List.of(method + " " + path + " answered " + status + ", which is not documented");
        }
        documented = resolve(documented);
        if (body == null || body.isEmpty()) {
            return List.of();
        }
        String type = contentType.split(";")[0].trim();
        JsonNode content = documented.path("content");
        JsonNode media = content.path(type);
        if (media.isMissingNode()) {
            media = content.path("*/*");
        }
        if (media.isMissingNode()) {
            return List.of(method + " " + path + " " + status + " answered " + type + ", documented: "
                    + iterable(content.fieldNames()));
        }
        JsonNode schemaNode = media.path("schema");
        if (schemaNode.isMissingNode()) {
            return List.of(method + " " + path + " " + status + " " + type + " has no schema");
        }
        ObjectNode schema = schemaNode.deepCopy();
        schema.set("components", document.path("components"));
        JsonSchema validator = schemas.getSchema(schema);
        Set<ValidationMessage> messages;
        try {
            messages = validator.validate(JSON.readTree(body));
        } catch (Exception e) {
            return List.of(method + " " + path + " " + status + " body is not JSON: " + e.getMessage());
        }
        return messages.stream()
                .map(m -> method + " " + path + " " + status + ": " + m.getMessage())
                .toList();
    }

    /** Asserts a live response matches the document. */
    public void check(String method, String path, HttpResponse<String> response) {
        assertThat(problems(method, path, response))
                .as("%s %s answered %s: %s", method, path, response.statusCode(), response.body())
                .isEmpty();
    }

    private JsonNode resolve(JsonNode node) {
        JsonNode ref = node.path("$ref");
        if (ref.isTextual() && ref.asText().startsWith("#/")) {
            return document.at(ref.asText().substring(1));
        }
        return node;
    }

    private static String iterable(java.util.Iterator<String> names) {
        StringBuilder all = new StringBuilder();
        names.forEachRemaining(name -> all.append(all.isEmpty() ? "" : ", ").append(name));
        return all.toString();
    }
}
