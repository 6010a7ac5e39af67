package io.notifyhub.loadtest;

import io.notifyhub.loadtest.SinglesBenchmark.Load;
import io.notifyhub.loadtest.SinglesBenchmark.Run;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The Markdown table of a singles benchmark: one row a run, then the medians of the warm runs by load. */
final class SinglesReport {

    private SinglesReport() {}

    static String of(List<Run> results, List<Load> loads, int runs) {
        StringBuilder md = new StringBuilder(
                "| run | offered | accepted/s | refused | submit p50 / p99 | sent/s during"
                        + " load | sent/s overall | CPU ms per job (per process) | machine |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Run run : results) {
            md.append(row(run)).append('\n');
        }
        md.append("\nMedians of the warm runs:\n\n| load | accepted/s | refused | submit p50 / p99 | sent/s during load"
                + " | CPU ms per job, all processes |\n|---|---|---|---|---|---|\n");
        for (Load load : loads) {
            List<Run> of = results.stream()
                    .filter(r -> r.label().startsWith("warm: " + load + " "))
                    .toList();
            if (of.isEmpty()) {
                continue;
            }
            md.append("| ")
                    .append(load)
                    .append(" | ")
                    .append(fmt(median(of, r -> r.accepted() / (double) r.seconds())))
                    .append(" | ")
                    .append(fmt(median(of, r -> (double) refused(r))))
                    .append(" | ")
                    .append(fmt(median(of, Run::p50Ms)))
                    .append(" / ")
                    .append(fmt(median(of, Run::p99Ms)))
                    .append(" ms | ")
                    .append(fmt(median(of, Run::sentPerSecondDuringLoad)))
                    .append(" | ")
                    .append(fmt(median(
                            of,
                            r -> r.cpuMsPerJob().values().stream()
                                    .mapToDouble(Double::doubleValue)
                                    .sum())))
                    .append(" |\n");
        }
        return md.toString();
    }

    private static long refused(Run run) {
        return run.statuses().entrySet().stream()
                .filter(e -> e.getKey() != 201)
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    private static String row(Run run) {
        String cpu = run.cpuMsPerJob().entrySet().stream()
                .map(e -> e.getKey() + " " + fmt(e.getValue()))
                .collect(Collectors.joining(", "));
        String refusals = run.statuses().entrySet().stream()
                .filter(e -> e.getKey() != 201)
                .map(e -> (e.getKey() < 0 ? "no answer" : e.getKey()) + ": " + e.getValue())
                .collect(Collectors.joining(", "));
        return "| %s | %d/s | %s | %s | %s / %s ms | %s | %s | %s | %s %% |"
                .formatted(
                        run.label(),
                        run.offered(),
                        fmt(run.accepted() / (double) run.seconds()),
                        refusals.isEmpty() ? "0" : refusals,
                        fmt(run.p50Ms()),
                        fmt(run.p99Ms()),
                        fmt(run.sentPerSecondDuringLoad()),
                        fmt(run.sentPerSecondOverall()),
                        cpu,
                        fmt(run.machinePercent()));
    }

    /** The median of a figure over the runs of one load (three by default: the middle one). */
    private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> figure) {
        double[] values = runs.stream().mapToDouble(figure).sorted().toArray();
        return values.length % 2 == 1
                ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }

    private static String fmt(double value) {
        return value >= 100
                ? String.format("%.0f", value)
                : value >= 10 ? String.format("%.1f", value) : String.format("%.2f", value);
    }
}
