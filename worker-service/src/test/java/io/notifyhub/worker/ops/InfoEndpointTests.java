package io.notifyhub.worker.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.notifyhub.worker.support.WorkerIntegrationTest;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.info.InfoEndpoint;
import org.springframework.core.io.ClassPathResource;

/**
 * The worker's {@code /actuator/info} (served on its own port, 8081 by default) shows the build section from
 * {@code META-INF/build-info.properties} and the commit from {@code git.properties} when the build ran in a git
 * checkout. The test context has no web server, so it reads the endpoint the HTTP handler serves; e2e's
 * PrometheusProofTests reads both services' /actuator/info over HTTP.
 */
class InfoEndpointTests extends WorkerIntegrationTest {

    @Autowired
    InfoEndpoint info;

    @Test
    @SuppressWarnings("unchecked")
    void shouldShowTheBuildAndTheCommit() throws Exception {
        Map<String, Object> shown = info.info();
        Map<String, Object> build = (Map<String, Object>) shown.get("build");
        assertThat(build).containsEntry("artifact", "worker-service").containsEntry("group", "io.notifyhub");
        assertThat(build.get("version")).asString().isNotBlank();

        ClassPathResource git = new ClassPathResource("git.properties");
        if (git.exists()) {
            Properties properties = new Properties();
            try (var in = git.getInputStream()) {
                properties.load(in);
            }
            Map<String, Object> commit = (Map<String, Object>) ((Map<String, Object>) shown.get("git")).get("commit");
            assertThat(commit.get("id")).isEqualTo(properties.getProperty("git.commit.id.abbrev"));
        } else {
            assertThat(shown).doesNotContainKey("git");
        }
    }
}
