package io.notifyhub.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the benchmark. With {@code -Dbenchmark.args="rate=... seconds=..."} (what {@code ./benchmark} passes)
 * it is the real run; without, a smoke of a few seconds that keeps the harness working in CI. It is not a
 * timed test: it checks that the run produced its figures, not what they are.
 */
class BenchmarkTests {

    @Test
    @Timeout(value = 40, unit = TimeUnit.MINUTES)
    void shouldRunTheBenchmarkAndWriteItsFigures() throws Exception {
        String args = System.getProperty("benchmark.args", "");
        if (args.strip().startsWith("singles")) {
            // ./benchmark singles ...: the system as ./run-local runs it, one job per request, cold and warm
            String report = SinglesBenchmark.run(
                    args.strip().substring("singles".length()),
                    Path.of(System.getProperty("benchmark.out", "target/benchmark"))
                            .resolve("singles"));
            System.out.println("benchmark:\n" + report + "\n| machine: "
                    + Runtime.getRuntime().availableProcessors() + " cores |");
            assertThat(report).contains("| warm: ");
            return;
        }
        boolean smoke = args.isBlank();
        Settings settings = Settings.parse(smoke ? "rate=50 seconds=3 warmup=1 perftest=3" : args);
        Path out = Path.of(System.getProperty("benchmark.out", "target/benchmark"));

        Results results = Benchmark.run(settings, out);
        Report.write(results, out);

        System.out.println((smoke ? "benchmark smoke:\n" : "benchmark:\n") + Report.markdown(results));
        assertThat(results.accepted()).isPositive();
        assertThat(results.sentPerSecond()).isPositive();
        assertThat(results.drained())
                .as("the workers' counters reached every accepted job")
                .isTrue();
        assertThat(results.apiMicros().getTotalCount()).isEqualTo((long) settings.rate() * settings.seconds());
        assertThat(results.usage()).containsKeys("api", "load client (this JVM)", "every process on the machine");
        results.usage()
                .forEach((name, usage) -> assertThat(usage.cpuPercent())
                        .as(name + "'s CPU")
                        .isPositive()
                        .isGreaterThanOrEqualTo(
                                Double.isNaN(usage.jitPercent()) ? 0 : usage.jitPercent() + usage.gcPercent()));
        assertThat(results.usage().get("every process on the machine").cpuPercent())
                .as("the machine's CPU")
                .isGreaterThanOrEqualTo(results.usage().get("api").cpuPercent());
        assertThat(Files.size(out.resolve("chart.png"))).isPositive();
        assertThat(Files.readString(out.resolve("results.json"))).contains("endToEndSentPerSecond");
        if (settings.perfTestSeconds() > 0) {
            assertThat(results.ceiling().receivedPerSecond())
                    .as("PerfTest's ceiling")
                    .isPositive();
            assertThat(results.brokerAtOfferedRate().receivedPerSecond())
                    .as("PerfTest at the offered rate")
                    .isPositive();
            assertThat(results.brokerAtOfferedRate().machineCpuPercent())
                    .as("the machine's CPU meanwhile")
                    .isPositive();
            if (results.usage().containsKey("RabbitMQ (this machine's node)")) {
                assertThat(results.brokerAtOfferedRate().brokerCpuPercent())
                        .as("the broker's CPU meanwhile")
                        .isPositive()
                        .isLessThanOrEqualTo(results.brokerAtOfferedRate().machineCpuPercent());
            }
        }
    }
}
