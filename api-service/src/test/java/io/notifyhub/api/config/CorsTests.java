package io.notifyhub.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.notifyhub.api.support.ApiClient;
import io.notifyhub.api.support.ApiIntegrationTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** Browsers on an allowed origin may call the API; others may not, and the console has no CORS at all. */
@TestPropertySource(properties = "notifyhub.api.cors.allowed-origins=https://app.example.com")
class CorsTests extends ApiIntegrationTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String ALLOWED = "https://app.example.com";

    @Test
    void shouldAnswerAPreflightFromAnAllowedOriginWithoutAKey() {
        HttpResponse<String> preflight = preflight("/api/jobs", ALLOWED);

        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
                .hasValue(ALLOWED);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods"))
                .hasValueSatisfying(methods -> assertThat(methods).contains("POST"));
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers"))
                .hasValueSatisfying(headers ->
                        assertThat(headers.toLowerCase()).contains("authorization", "content-type", "idempotency-key"));
        assertThat(preflight.headers().firstValue("Access-Control-Max-Age")).hasValue("1800");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Credentials"))
                .isEmpty();
    }

    @Test
    void shouldRefuseAPreflightFromAnotherOrigin() {
        HttpResponse<String> preflight = preflight("/api/jobs", "https://evil.example.net");

        assertThat(preflight.statusCode()).isEqualTo(403);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
                .isEmpty();
    }

    @Test
    void shouldLetAnAllowedPageReadAnswersAndStillNeedAKey() {
        HttpResponse<String> listed = send(request("/api/jobs", ALLOWED)
                .header("Authorization", "Bearer " + ApiClient.TEST_KEY)
                .GET()
                .build());
        HttpResponse<String> keyless = send(request("/api/jobs", ALLOWED).GET().build());

        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ALLOWED);
        assertThat(listed.headers().firstValue("Access-Control-Expose-Headers"))
                .hasValueSatisfying(exposed -> assertThat(exposed).contains("Link", "Location", "Retry-After"));
        assertThat(keyless.statusCode()).isEqualTo(401);
        assertThat(keyless.headers().firstValue("Access-Control-Allow-Origin"))
                .as("the page may read the 401")
                .hasValue(ALLOWED);
    }

    @Test
    void shouldGiveTheConsoleNoCorsHeaders() {
        HttpResponse<String> page = send(request("/console/", ALLOWED).GET().build());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(page.headers().firstValue("Content-Security-Policy")).isPresent();
    }

    @Test
    void shouldHaveNoCorsByDefaultAndRefuseCredentialsWithAnyOrigin() {
        assertThat(new CorsProperties(null, List.of("GET"), List.of(), List.of(), Duration.ofMinutes(1), false)
                        .toConfiguration())
                .isNull();
        assertThatThrownBy(() -> new CorsProperties(
                        List.of("*"), List.of("GET"), List.of(), List.of(), Duration.ofMinutes(1), true))
                .hasMessageContaining("allow-credentials");
        assertThatThrownBy(() -> new CorsProperties(
                        List.of("https://app.example.com/path"),
                        List.of("GET"),
                        List.of(),
                        List.of(),
                        Duration.ofMinutes(1),
                        false))
                .hasMessageContaining("is not an origin");
    }

    private HttpResponse<String> preflight(String path, String origin) {
        return send(request(path, origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type,idempotency-key")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .build());
    }

    private HttpRequest.Builder request(String path, String origin) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Origin", origin)
                .timeout(Duration.ofSeconds(10));
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
