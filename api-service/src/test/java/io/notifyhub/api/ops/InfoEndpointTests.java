package io.notifyhub.api.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.notifyhub.api.support.ApiIntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.core.io.ClassPathResource;

/**
 * {@code /actuator/info} on the management port shows what was built: the build section from
 * {@code META-INF/build-info.properties} (spring-boot-maven-plugin's build-info goal), and the commit from
 * {@code git.properties} (git-commit-id-maven-plugin) whenever the build ran in a git checkout.
 */
class InfoEndpointTests extends ApiIntegrationTest {

    @LocalManagementPort
    int managementPort;

    @Test
    void shouldShowTheBuildAndTheCommit() throws Exception {
        HttpResponse<String> response;
        try (HttpClient http = HttpClient.newHttpClient()) {
            response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/info"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        assertThat(response.statusCode()).isEqualTo(200);
        String body = response.body();
        assertThat(JsonPath.<String>read(body, "$.build.artifact")).isEqualTo("api-service");
        assertThat(JsonPath.<String>read(body, "$.build.group")).isEqualTo("io.notifyhub");
        assertThat(JsonPath.<String>read(body, "$.build.version")).isNotBlank();
        assertThat(JsonPath.<String>read(body, "$.build.time")).isNotBlank();

        ClassPathResource git = new ClassPathResource("git.properties");
        if (git.exists()) {
            Properties properties = new Properties();
            try (var in = git.getInputStream()) {
                properties.load(in);
            }
            String commit = properties.getProperty("git.commit.id");
            assertThat(commit).matches("[0-9a-f]{40}");
            assertThat(JsonPath.<String>read(body, "$.git.commit.id")).isEqualTo(commit.substring(0, 7));
            assertThat(JsonPath.<String>read(body, "$.git.branch")).isNotBlank();
        } else {
            // built outside a git checkout (a source tarball): the build section alone, no empty git section
            assertThat(body).doesNotContain("\"git\"");
        }
    }
}
