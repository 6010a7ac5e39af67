package io.notifyhub.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.notifyhub.api.support.ApiClient;
import io.notifyhub.api.support.ApiIntegrationTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The console's files, served without a key, under a policy that forbids inline script. */
class ConsoleTests extends ApiIntegrationTest {

    private ApiClient anonymous() {
        return new ApiClient(port, null);
    }

    @Test
    void shouldServeThePageWithoutAKeyAndRedirectTheBarePath() {
        HttpResponse<String> bare = anonymous().get("/console");
        HttpResponse<String> page = anonymous().get("/console/");

        assertThat(bare.statusCode()).isEqualTo(302);
        assertThat(bare.headers().firstValue("Location"))
                .hasValueSatisfying(to -> assertThat(to).endsWith("/console/"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body())
                .contains("<script src=\"console.js\" defer></script>")
                .doesNotContain("<script>");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(ConsoleHeaders.POLICY);
    }

    @Test
    void shouldServeTheScriptAndStylesUnderThePolicy() {
        HttpResponse<String> script = anonymous().get("/console/console.js");
        HttpResponse<String> styles = anonymous().get("/console/console.css");

        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.body()).contains("'/api/stats'").doesNotContain("innerHTML");
        assertThat(styles.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Security-Policy")).hasValue(ConsoleHeaders.POLICY);
    }

    @Test
    void shouldStillGuardTheApiItCalls() {
        assertThat(anonymous().get("/api/stats").statusCode()).isEqualTo(401);
        assertThat(anonymous().get("/api/jobs").statusCode()).isEqualTo(401);
    }
}
