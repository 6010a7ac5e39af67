package io.notifyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.jayway.jsonpath.JsonPath;
import io.notifyhub.e2e.support.LoadClient;
import io.notifyhub.e2e.support.LocalSystem;
import io.notifyhub.e2e.support.RabbitNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.util.FileSystemUtils;
import org.yaml.snakeyaml.Yaml;

/**
 * Proof that the dashboards and alerts show real data, without Grafana: a real Prometheus scrapes the
 * running API, a worker and RabbitMQ's own plugin while jobs (some failing) flow, then every PromQL
 * expression of the dashboards and of the rule file is evaluated through Prometheus' HTTP API, and each
 * must parse and return data. A panel's template variables ({@code $instance}, {@code $channel}) stand for
 * {@code .+}, so the label they filter on must be there; each variable's {@code label_values} query must find
 * values. {@code promtool check rules} must pass on the rule file, and {@code promtool test rules} on its unit
 * tests (alerts that fire and clear).
 */
class PrometheusProofTests {

    private static final Path ROOT = Path.of(System.getProperty("notifyhub.root", ".."));
    private static final Path RULES = ROOT.resolve("grafana/alerts/notifyhub-rules.yml");
    private static final Path RULE_TESTS = ROOT.resolve("grafana/alerts/notifyhub-rules.test.yml");
    private static final Path DASHBOARDS = ROOT.resolve("grafana/dashboards");
    private static final Path DIR =
            Path.of(System.getProperty("notifyhub.logs", "target/e2e-logs")).resolveSibling("prometheus");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void shouldFindDataForEveryDashboardAndAlertExpression() throws Exception {
        assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/prometheus")) && Files.isExecutable(Path.of("/usr/bin/promtool")),
                "prometheus and promtool are not installed (Debian package 'prometheus'; .ci/run installs it)");
        Process check = new ProcessBuilder("/usr/bin/promtool", "check", "rules", RULES.toString())
                .redirectErrorStream(true)
                .start();
        String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor()).as("promtool check rules:\n" + checked).isZero();
        Process unitTests = new ProcessBuilder("/usr/bin/promtool", "test", "rules", RULE_TESTS.toString())
                .redirectErrorStream(true)
                .start();
        String tested = new String(unitTests.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(unitTests.waitFor()).as("promtool test rules:\n" + tested).isZero();

        Map<String, String> expressions = expressions();
        FileSystemUtils.deleteRecursively(DIR.resolve("tsdb"));
        Files.createDirectories(DIR);
        int rabbitMetrics = LocalSystem.freePort();
        try (RabbitNode rabbit = new RabbitNode("notifyhub-prom", LocalSystem.freePort(), DIR.resolve("rabbit"))
                        .withPrometheus(rabbitMetrics)
                        .start(Duration.ofSeconds(90));
                LocalSystem system = new LocalSystem(Map.of(
                                "RABBITMQ_ADDRESSES",
                                rabbit.addresses(),
                                "RABBITMQ_VHOST",
                                "/",
                                "NOTIFYHUB_PROVIDERS_SIMULATED_FAILURE_RATE",
                                "0.3",
                                "NOTIFYHUB_PROVIDERS_SIMULATED_LATENCY",
                                "5ms",
                                "NOTIFYHUB_WORKER_MAX_ATTEMPTS",
                                "2",
                                "NOTIFYHUB_TOPOLOGY_DELAY_TIERS",
                                "1s,2s",
                                "NOTIFYHUB_METRICS_REFRESH",
                                "1s"))
                        .start(1)) {
            int prometheusPort = LocalSystem.freePort();
            Path config = DIR.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    rule_files:
                      - %s
                    scrape_configs:
                      - job_name: api-service
                        metrics_path: /actuator/prometheus
                        static_configs: [{targets: ['127.0.0.1:%d']}]
                      - job_name: worker-service
                        metrics_path: /actuator/prometheus
                        static_configs: [{targets: ['127.0.0.1:%d']}]
                      - job_name: rabbitmq
                        static_configs: [{targets: ['127.0.0.1:%d']}]
                      - job_name: rabbitmq-per-object
                        metrics_path: /metrics/per-object
                        static_configs: [{targets: ['127.0.0.1:%d']}]
                    """.formatted(
                            RULES.toAbsolutePath(),
                            system.apiManagementPort(),
                            system.workerPorts().getFirst(),
                            rabbitMetrics,
                            rabbitMetrics));
            Process prometheus = new ProcessBuilder(
                            "/usr/bin/prometheus",
                            "--config.file=" + config,
                            "--storage.tsdb.path=" + DIR.resolve("tsdb"),
                            "--web.listen-address=127.0.0.1:" + prometheusPort)
                    .redirectErrorStream(true)
                    .redirectOutput(DIR.resolve("prometheus.log").toFile())
                    .start();
            try {
                // jobs flow, some fail and retry, some end failed in the dead-letter queue; a few are refused
                for (int i = 0; i < 3; i++) {
                    HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + system.apiPort() + "/api/jobs"))
                                    .header("Content-Type", "application/json")
                                    .header("Authorization", "Bearer " + LocalSystem.API_KEY)
                                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
                }
                // what the scraped processes are: /actuator/info on the same ports shows their build
                assertThat(info(system.apiManagementPort())).isEqualTo("api-service");
                assertThat(info(system.workerPorts().getFirst())).isEqualTo("worker-service");
                LoadClient.Result load = new LoadClient(system.apiPort(), Duration.ofSeconds(30)).submit(300, 30);
                assertThat(load.accepted()).hasSize(300);

                Map<String, String> missing = new LinkedHashMap<>(expressions);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (!missing.isEmpty() && System.nanoTime() < deadline) {
                    for (String expression : List.copyOf(missing.keySet())) {
                        if (hasData(prometheusPort, expression)) {
                            missing.remove(expression);
                        }
                    }
                    if (!missing.isEmpty()) {
                        TimeUnit.SECONDS.sleep(2);
                    }
                }
                assertThat(missing)
                        .as("expressions that returned no data (or did not parse), with where they are from")
                        .isEmpty();
                System.out.printf(
                        "prometheus-proof: %d expressions from the dashboards and the rule file, all with data%n",
                        expressions.size());
            } finally {
                prometheus.destroy();
                prometheus.waitFor(10, TimeUnit.SECONDS);
                prometheus.destroyForcibly();
            }
        }
    }

    /** Every expression of the dashboards' panels and of the rules, with where it comes from. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> expressions() throws IOException {
        Map<String, String> found = new LinkedHashMap<>();
        try (var files = Files.list(DASHBOARDS)) {
            for (Path dashboard :
                    files.filter(f -> f.toString().endsWith(".json")).toList()) {
                String name = dashboard.getFileName().toString();
                List<String> exprs = JsonPath.read(dashboard.toFile(), "$.panels[*].targets[*].expr");
                // a template variable stands for "all": ".+", which also proves the label is there to filter on
                exprs.forEach(expr -> found.put(expr.replaceAll("\\$(instance|channel)\\b", ".+"), name));
                // each variable's label_values(metric, label) query: the metric must have data with that label
                List<String> variables = JsonPath.read(dashboard.toFile(), "$.templating.list[*].definition");
                for (String variable : variables) {
                    var labelValues = java.util.regex.Pattern.compile("label_values\\((.+), *(\\w+)\\)")
                            .matcher(variable);
                    assertThat(labelValues.matches())
                            .as("variable query " + variable)
                            .isTrue();
                    String metric = labelValues.group(1);
                    String label = labelValues.group(2);
                    String selector = metric.contains("{")
                            ? metric.replaceFirst("}$", ", " + label + "=~\".+\"}")
                            : metric + "{" + label + "=~\".+\"}";
                    found.put(selector, name + " variable");
                }
            }
        }
        Map<String, Object> rules = new Yaml().load(Files.readString(RULES));
        for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                String expr = rule.get("expr").toString().trim();
                if (rule.containsKey("alert")) {
                    // an alert is "signal <op> threshold": the signal must have data whether or not it fires
                    expr = expr.replaceFirst("\\s*(==|!=|>=|<=|>|<)\\s*[-+0-9.eE]+\\s*$", "");
                    found.put(expr, "alert " + rule.get("alert"));
                } else {
                    found.put(expr, "rule " + rule.get("record"));
                }
            }
        }
        assertThat(found).as("expressions found").hasSizeGreaterThan(10);
        return found;
    }

    /** The build artifact /actuator/info shows on a management port. */
    private static String info(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/info"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonPath.read(response.body(), "$.build.artifact");
    }

    private static boolean hasData(int port, String expression) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                                + URLEncoder.encode(expression, StandardCharsets.UTF_8)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 400) {
            throw new AssertionError("does not parse: " + expression + "\n" + response.body());
        }
        if (response.statusCode() != 200) {
            return false;
        }
        List<Object> result = JsonPath.read(response.body(), "$.data.result");
        return !result.isEmpty();
    }
}
