package io.notifyhub.e2e.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.notifyhub.e2e.docs.ConfigurationReference.Declared;
import io.notifyhub.e2e.docs.ConfigurationReference.ReadElsewhere;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md against the configuration metadata of common-model, api-service and worker-service (the
 * {@code META-INF/spring-configuration-metadata.json} that spring-boot-configuration-processor writes from their
 * {@code @ConfigurationProperties} classes, found on this module's test class path): every {@code notifyhub.*}
 * property declared there has a row, and every {@code notifyhub.*} property a row names is declared there or read
 * elsewhere by a file listed below; and a row's default is the code's. No servers.
 *
 * <p>Rows of Spring Boot's own properties ({@code spring.*}, {@code server.*}, {@code management.*},
 * {@code logging.*}) and of environment variables (local-stack, {@code ./run-local}) are documented on the same page
 * but not checked here: their metadata is in Spring Boot's jars, which this module does not have on its class path.
 */
class ConfigurationReferenceTests {

    private static final String PREFIX = "notifyhub.";

    /** {@code notifyhub.*} properties read without {@code @ConfigurationProperties}, so with no metadata. */
    private static final List<ReadElsewhere> READ_ELSEWHERE = List.of(
            new ReadElsewhere(
                    "notifyhub.metrics.refresh",
                    "api-service/src/main/java/io/notifyhub/api/ops/SystemGauges.java",
                    "the delay of a @Scheduled method"),
            new ReadElsewhere(
                    "notifyhub.metrics.terminal-refresh",
                    "api-service/src/main/java/io/notifyhub/api/ops/SystemGauges.java",
                    "a @Value constructor argument"));

    private static final Path ROOT = Path.of(System.getProperty("notifyhub.root", ".."));

    @Test
    void shouldDocumentEveryDeclaredPropertyAndNoOther() throws IOException {
        List<Declared> declared = declaredProperties();
        assertThat(declared)
                .as("metadata of the three modules on the test class path (run the build that compiles them first)")
                .extracting(Declared::sourceType)
                .anyMatch(type -> type.startsWith("io.notifyhub.model."))
                .anyMatch(type -> type.startsWith("io.notifyhub.api."))
                .anyMatch(type -> type.startsWith("io.notifyhub.worker."));
        ConfigurationReference page =
                ConfigurationReference.parse(Files.readString(ROOT.resolve("docs/configuration.md")));

        List<String> problems = page.problems(declared, READ_ELSEWHERE, PREFIX);

        assertThat(problems)
                .as("docs/configuration.md against the @ConfigurationProperties metadata")
                .isEmpty();
    }

    @Test
    void shouldFindThePropertiesReadElsewhereInTheFilesThatReadThem() throws IOException {
        for (ReadElsewhere property : READ_ELSEWHERE) {
            assertThat(Files.readString(ROOT.resolve(property.source())))
                    .as("%s, read in %s (%s)", property.name(), property.source(), property.why())
                    .contains(property.name());
        }
    }

    @Test
    void shouldNameTheMissingRowAndWhereToAddIt() {
        ConfigurationReference page = ConfigurationReference.parse("""
                ## Workers

                | property | environment variable | default | meaning |
                |---|---|---|---|
                | `notifyhub.worker.id` | `NOTIFYHUB_WORKER_ID` | `pid@host` | the worker's name |
                | `notifyhub.worker.lease` | `NOTIFYHUB_WORKER_LEASE` | `2m` | how long a claim holds |
                """);
        List<Declared> declared = List.of(
                new Declared("notifyhub.worker.id", "java.lang.String", "io.notifyhub.worker.W", null, "name"),
                new Declared("notifyhub.worker.lease", "java.time.Duration", "io.notifyhub.worker.W", "2m", "lease"),
                new Declared(
                        "notifyhub.worker.new-thing",
                        "java.time.Duration",
                        "io.notifyhub.worker.W",
                        "5s",
                        "how long the new thing waits"));

        assertThat(page.problems(declared, List.of(), PREFIX))
                .containsExactly("docs/configuration.md has no row for `notifyhub.worker.new-thing` (declared by "
                        + "io.notifyhub.worker.W); add in section \"Workers\", after the row of "
                        + "`notifyhub.worker.lease` (line 6):\n"
                        + "    | `notifyhub.worker.new-thing` | `NOTIFYHUB_WORKER_NEW_THING` | `5s` | how long the new "
                        + "thing waits |");
    }

    @Test
    void shouldRefuseARowNamingAPropertyNothingDeclares() {
        ConfigurationReference page = ConfigurationReference.parse("""
                ## Providers

                | property | environment variable | default | meaning |
                |---|---|---|---|
                | `notifyhub.providers.twilio.connect-timeout` / `.timeout` | `X` / `_Y` | `5s` / `10s` | bounds |
                | `notifyhub.worker.providers.<channel>` | `Z` | `simulated` | each channel's chain |
                """);
        List<Declared> declared = List.of(
                new Declared("notifyhub.providers.twilio.connect-timeout", "java.time.Duration", "T", "5s", "c"),
                new Declared("notifyhub.worker.providers", "java.util.Map<Channel,List<String>>", "W", null, "p"));

        assertThat(page.rows())
                .extracting(ConfigurationReference.Row::property)
                .containsExactly(
                        "notifyhub.providers.twilio.connect-timeout",
                        "notifyhub.providers.twilio.timeout",
                        "notifyhub.worker.providers.<channel>");
        assertThat(page.problems(declared, List.of(), PREFIX))
                .singleElement()
                .asString()
                .startsWith("docs/configuration.md line 5 (section \"Providers\") names "
                        + "`notifyhub.providers.twilio.timeout`, which no @ConfigurationProperties class declares");
    }

    @Test
    void shouldRefuseADefaultThatDiffersFromTheCode() {
        ConfigurationReference page = ConfigurationReference.parse("""
                | property | environment variable | default | meaning |
                |---|---|---|---|
                | `notifyhub.topology.delay-tiers` | `T` | `1s,5s,25s` | waits |
                | `notifyhub.providers.fcm.connect-timeout` / `.timeout` | `C` / `_T` | `5s` / `10s` | bounds |
                """);
        List<Declared> declared = List.of(
                new Declared("notifyhub.topology.delay-tiers", "java.util.List", "Topo", "[1s, 5s, 25s]", "w"),
                new Declared("notifyhub.providers.fcm.connect-timeout", "java.time.Duration", "Fcm", "5s", "c"),
                new Declared("notifyhub.providers.fcm.timeout", "java.time.Duration", "Fcm", "30s", "t"));

        assertThat(page.problems(declared, List.of(), PREFIX))
                .containsExactly("docs/configuration.md line 4: the default of `notifyhub.providers.fcm.timeout` is "
                        + "`30s` in Fcm, the row says `10s`");
    }

    private static List<Declared> declaredProperties() throws IOException {
        List<Declared> declared = new ArrayList<>();
        for (URL url : Collections.list(ConfigurationReferenceTests.class
                .getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
            String json;
            try (InputStream in = url.openStream()) {
                json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            List<Map<String, Object>> properties = JsonPath.read(json, "$.properties[*]");
            for (Map<String, Object> p : properties) {
                declared.add(new Declared(
                        (String) p.get("name"),
                        (String) p.get("type"),
                        String.valueOf(p.get("sourceType")),
                        p.get("defaultValue"),
                        (String) p.get("description")));
            }
        }
        return declared;
    }
}
