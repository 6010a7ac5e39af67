package io.notifyhub.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Writes a run as JSON, as a Markdown table and as a PNG chart of throughput and latency over time. */
public final class Report {

    private Report() {}

    public static Map<String, Object> figures(Results r) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("settings", r.settings().describe());
        f.put("machine", r.machine());
        f.put("started", r.started().toString());
        f.put("offeredPerSecond", r.settings().rate());
        f.put("accepted", r.accepted());
        f.put("refusedOrFailedRequests", r.refused());
        f.put("endToEndSentPerSecond", round(r.sentPerSecond()));
        f.put("afterSubmissionsSentPerSecond", r.drainPerSecond() == null ? null : round(r.drainPerSecond()));
        f.put("backlogDrained", r.drained());
        f.put("duplicateMessagesDropped", r.duplicates());
        f.put("duplicateMessagesDroppedInWarmup", r.duplicatesInWarmup());
        f.put("apiLatencyMs", percentiles(r.apiMicros(), 1000.0));
        f.put("endToEndLatencyMs", percentiles(r.endToEndMillis(), 1.0));
        if (r.ceiling() != null) {
            f.put("perfTestReceivedPerSecond", r.ceiling().receivedPerSecond());
            f.put("perfTestSentPerSecond", r.ceiling().sentPerSecond());
            f.put("perfTestCommand", r.ceiling().command());
            f.put("ratioToPerfTest", r.ratioToCeiling() == null ? null : round(r.ratioToCeiling()));
            f.put(
                    "perfTestBrokerCpuPercent",
                    r.ceiling().brokerCpuPercent() == null
                            ? null
                            : round(r.ceiling().brokerCpuPercent()));
            f.put("perfTestMachineCpuPercent", round(r.ceiling().machineCpuPercent()));
        }
        if (r.brokerAtOfferedRate() != null) {
            Map<String, Object> atRate = new LinkedHashMap<>();
            atRate.put("offeredPerSecond", r.settings().jobsPerSecond());
            atRate.put("receivedPerSecond", r.brokerAtOfferedRate().receivedPerSecond());
            atRate.put(
                    "brokerCpuPercent",
                    r.brokerAtOfferedRate().brokerCpuPercent() == null
                            ? null
                            : round(r.brokerAtOfferedRate().brokerCpuPercent()));
            atRate.put("machineCpuPercent", round(r.brokerAtOfferedRate().machineCpuPercent()));
            atRate.put("command", r.brokerAtOfferedRate().command());
            f.put("perfTestAtOfferedRate", atRate);
        }
        Map<String, Object> usage = new LinkedHashMap<>();
        r.usage().forEach((name, u) -> {
            Map<String, Object> process = new LinkedHashMap<>();
            process.put("cpuPercentOfOneCore", round(u.cpuPercent()));
            if (!Double.isNaN(u.jitPercent())) {
                process.put("jitCompilerCpuPercent", round(u.jitPercent()));
                process.put("gcCpuPercent", round(u.gcPercent()));
            }
            process.put("rssMegabytes", u.rssMegabytes());
            usage.put(name, process);
        });
        f.put("processes", usage);
        return f;
    }

    public static void write(Results r, Path out) throws IOException {
        Files.createDirectories(out);
        Map<String, Object> figures = figures(r);
        JsonMapper json =
                JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
        Files.writeString(out.resolve("results.json"), json.writeValueAsString(figures) + "\n");
        Files.writeString(out.resolve("results.md"), markdown(r));
        chart(r, out.resolve("chart.png"));
    }

    static String markdown(Results r) {
        StringBuilder md = new StringBuilder();
        md.append("| figure | value |\n|---|---|\n");
        row(md, "settings", r.settings().describe());
        row(
                md,
                "offered (open loop)",
                r.settings().batch() > 1
                        ? r.settings().rate() + " batches of " + r.settings().batch() + " jobs/s for "
                                + r.settings().seconds() + " s"
                        : r.settings().rate() + " submissions/s for "
                                + r.settings().seconds() + " s");
        row(
                md,
                "accepted (201), jobs",
                r.accepted() + (r.refused() > 0 ? " (" + r.refused() + " refused or failed)" : ""));
        row(
                md,
                "end to end, accepted to sent",
                "%.0f notifications/s%s"
                        .formatted(r.sentPerSecond(), r.drained() ? "" : " (backlog not drained within 5 min)"));
        if (r.drainPerSecond() != null) {
            row(
                    md,
                    "after submissions stopped, until the backlog was sent",
                    "%.0f notifications/s".formatted(r.drainPerSecond()));
        }
        row(
                md,
                "messages dropped as duplicates (job published twice)",
                "%d (warm-up: %d)".formatted(r.duplicates(), r.duplicatesInWarmup()));
        row(
                md,
                r.settings().batch() > 1 ? "API latency per batch p50 / p99 / max" : "API latency p50 / p99 / max",
                latency(r.apiMicros(), 1000.0));
        row(md, "end-to-end latency p50 / p99 / max", latency(r.endToEndMillis(), 1.0));
        if (r.ceiling() != null) {
            row(
                    md,
                    "PerfTest ceiling (quorum, persistent, confirms)",
                    r.ceiling().receivedPerSecond() + " msg/s received" + cpu(r.ceiling()));
            row(md, "ours / PerfTest", r.ratioToCeiling() == null ? "-" : "%.2f".formatted(r.ratioToCeiling()));
        }
        if (r.brokerAtOfferedRate() != null) {
            row(
                    md,
                    "PerfTest at the offered " + r.settings().jobsPerSecond() + " msg/s: what the broker alone costs",
                    r.brokerAtOfferedRate().receivedPerSecond() + " msg/s received" + cpu(r.brokerAtOfferedRate()));
        }
        r.usage()
                .forEach((name, u) -> row(
                        md,
                        name + " CPU (of it JIT, GC) / memory",
                        "%.0f%% of a core (%s) / %d MB"
                                .formatted(
                                        u.cpuPercent(),
                                        Double.isNaN(u.jitPercent())
                                                ? "-"
                                                : "%.0f%%, %.0f%%".formatted(u.jitPercent(), u.gcPercent()),
                                        u.rssMegabytes())));
        row(md, "machine", r.machine());
        return md.toString();
    }

    private static String cpu(PerfTestCeiling.Ceiling run) {
        return (run.brokerCpuPercent() == null ? "" : "; RabbitMQ %.0f%% of a core".formatted(run.brokerCpuPercent()))
                + "; machine %.0f%% (PerfTest's own included)".formatted(run.machineCpuPercent());
    }

    private static void row(StringBuilder md, String name, String value) {
        md.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }

    private static String latency(Histogram h, double perMs) {
        if (h.getTotalCount() == 0) {
            return "-";
        }
        return "%.1f / %.1f / %.1f ms"
                .formatted(
                        h.getValueAtPercentile(50) / perMs,
                        h.getValueAtPercentile(99) / perMs,
                        h.getMaxValue() / perMs);
    }

    private static Map<String, Double> percentiles(Histogram h, double perMs) {
        Map<String, Double> p = new LinkedHashMap<>();
        if (h.getTotalCount() > 0) {
            for (double q : new double[] {50, 90, 99, 99.9}) {
                p.put(
                        "p" + (q == Math.floor(q) ? String.valueOf((int) q) : String.valueOf(q)),
                        round(h.getValueAtPercentile(q) / perMs));
            }
            p.put("max", round(h.getMaxValue() / perMs));
        }
        return p;
    }

    private static void chart(Results r, Path png) throws IOException {
        XYChart chart = new XYChartBuilder()
                .width(900)
                .height(450)
                .title("notifyhub: " + r.settings().describe())
                .xAxisTitle("seconds")
                .yAxisTitle("notifications/s")
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        List<Double> x = new ArrayList<>();
        List<Double> sent = new ArrayList<>();
        List<long[]> samples = r.sentOverTime();
        for (int i = 1; i < samples.size(); i++) {
            double dt = (samples.get(i)[0] - samples.get(i - 1)[0]) / 1000.0;
            x.add(samples.get(i)[0] / 1000.0);
            sent.add(dt <= 0 ? 0 : (samples.get(i)[1] - samples.get(i - 1)[1]) / dt);
        }
        if (!x.isEmpty()) {
            chart.addSeries("sent per second", x, sent);
        }
        List<Double> seconds = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        Histogram[] perSecond = r.apiMicrosPerSecond();
        for (int i = 0; i < perSecond.length; i++) {
            if (perSecond[i].getTotalCount() > 0) {
                seconds.add(i + 0.5);
                p99.add(perSecond[i].getValueAtPercentile(99) / 1000.0);
            }
        }
        if (!seconds.isEmpty()) {
            chart.addSeries("API p99 ms", seconds, p99).setYAxisGroup(1);
            chart.setYAxisGroupTitle(1, "API p99 (ms)");
        }
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
