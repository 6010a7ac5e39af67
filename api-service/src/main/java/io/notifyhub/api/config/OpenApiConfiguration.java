package io.notifyhub.api.config;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.view.RedirectView;

/**
 * The OpenAPI 3.1 document ({@code /api/openapi}) and Swagger UI ({@code /api/docs}, also reached from
 * {@code /api/}). Generated from the controllers; what every operation shares (the bearer key, and the
 * problems any request may meet: 401, 413, 429, 503) is added here once.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static final String PROBLEM = "Problem";

    @Bean
    OpenAPI notifyhubOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("notifyhub API")
                        .version("1")
                        .description("Submit email, SMS and push notifications; follow, cancel and replay them.")
                        .license(new License().name("Apache-2.0").identifier("Apache-2.0")))
                .components(new Components()
                        .addSecuritySchemes(
                                "apiKey",
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .description("An API key: Authorization: Bearer nhk_...")))
                .addSecurityItem(new SecurityRequirement().addList("apiKey"));
    }

    /** RFC 9457 problem details, as {@code ProblemHandler} and the filters write them. */
    static Schema<?> problemSchema() {
        Schema<?> fieldProblem = object().addProperty(
                        "field", string().description("the field, e.g. payload.recipient or jobs[3].type"))
                .addProperty("reason", string());
        fieldProblem.setRequired(List.of("field", "reason"));
        Schema<?> problem = object().description("RFC 9457 problem details")
                .addProperty("type", string())
                .addProperty("title", string())
                .addProperty("status", new JsonSchema().types(Set.of("integer")))
                .addProperty("detail", string())
                .addProperty("instance", string())
                .addProperty("jobStatus", string().description("the job's status (409 of a cancel or retry)"))
                .addProperty(
                        "errors",
                        new JsonSchema()
                                .types(Set.of("array"))
                                .items(fieldProblem)
                                .description("each bad field and why (400 only)"));
        problem.setRequired(List.of("status"));
        return problem;
    }

    private static Schema<?> object() {
        return new JsonSchema().types(Set.of("object"));
    }

    private static Schema<?> string() {
        return new JsonSchema().types(Set.of("string"));
    }

    /**
     * The problems every operation may answer, with their headers; and every problem response, documented here or
     * on an operation, refers to the one {@code Problem} schema, which is defined here (springdoc builds the
     * components from the code, so a schema added to the document bean alone would be lost).
     */
    @Bean
    OpenApiCustomizer sharedProblems() {
        return api -> {
            api.getComponents().addSchemas(PROBLEM, problemSchema());
            api.getPaths().forEach((name, path) -> addProblems(name, path));
            api.getPaths()
                    .values()
                    .forEach(path -> path.readOperations()
                            .forEach(operation -> operation
                                    .getResponses()
                                    .values()
                                    .forEach(response -> {
                                        if (response.getContent() != null) {
                                            MediaType problem =
                                                    response.getContent().get("application/problem+json");
                                            if (problem != null && problem.getSchema() == null) {
                                                problem.setSchema(
                                                        new Schema<>().$ref("#/components/schemas/" + PROBLEM));
                                            }
                                        }
                                    })));
        };
    }

    private static void addProblems(String name, io.swagger.v3.oas.models.PathItem path) {
        path.readOperations().forEach(operation -> {
            var responses = operation.getResponses();
            responses.putIfAbsent(
                    "401",
                    problem("Missing, unknown or revoked API key")
                            .addHeaderObject("WWW-Authenticate", header("Bearer realm=\"notifyhub\"")));
            responses.putIfAbsent(
                    "503",
                    problem("The store is unavailable, the API is overloaded, or (on "
                                    + "submissions) the channel's backlog is over its bound; nothing was stored")
                            .addHeaderObject("Retry-After", header("seconds to wait")));
            if (operation.getRequestBody() != null) {
                responses.putIfAbsent("400", problem("Invalid request; errors names each bad field"));
                responses.putIfAbsent("413", problem("Body larger than notifyhub.api.max-body-size"));
            }
        });
        if (name.startsWith("/api/jobs")
                && path.getPost() != null
                && path.getPost().getRequestBody() != null) {
            path.getPost()
                    .getResponses()
                    .putIfAbsent(
                            "429",
                            problem("Over the client's submission limit")
                                    .addHeaderObject("Retry-After", header("seconds to wait"))
                                    .addHeaderObject("RateLimit-Policy", header("\"submissions\";q=<jobs>;w=<seconds>"))
                                    .addHeaderObject("RateLimit", header("\"submissions\";r=<left>;t=<seconds>")));
        }
    }

    private static ApiResponse problem(String description) {
        return new ApiResponse()
                .description(description)
                .content(new Content()
                        .addMediaType(
                                "application/problem+json",
                                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
    }

    private static Header header(String description) {
        return new Header().description(description).schema(string());
    }

    /** {@code /api} and {@code /api/} lead to Swagger UI, as the seed's API did. */
    @RestController
    static class DocsRedirect {
        @GetMapping({"/api", "/api/"})
        RedirectView docs() {
            return new RedirectView("/api/docs");
        }
    }
}
