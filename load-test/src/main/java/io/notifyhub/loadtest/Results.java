package io.notifyhub.loadtest;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What a run measured; {@link Report} writes it out. {@code drainPerSecond}: jobs sent per second after the
 * submissions stopped, until the backlog was gone (null when that took under 2 s). {@code duplicates}: messages
 * the workers dropped because their job was already done (a job published twice), in the measured stretch
 * and, {@code duplicatesInWarmup}, before it. {@code ceiling}: PerfTest flat
 * out; {@code brokerAtOfferedRate}: PerfTest at the jobs per second offered, for what that rate costs the broker
 * alone (both null without PerfTest).
 */
public record Results(
        Settings settings,
        Instant started,
        long accepted,
        long refused,
        double sentPerSecond,
        Double drainPerSecond,
        boolean drained,
        long duplicatesInWarmup,
        long duplicates,
        Histogram apiMicros,
        Histogram[] apiMicrosPerSecond,
        Histogram endToEndMillis,
        List<long[]> sentOverTime,
        Map<String, Usage> usage,
        PerfTestCeiling.Ceiling ceiling,
        PerfTestCeiling.Ceiling brokerAtOfferedRate,
        String machine) {

    /**
     * CPU as a share of one core over the measured stretch, the part of it the JIT compiler and the garbage
     * collector took, and resident memory at its end.
     */
    public record Usage(double cpuPercent, double jitPercent, double gcPercent, long rssMegabytes) {}

    /** Our end-to-end throughput as a share of what RabbitMQ alone did with the same queue type and guarantees. */
    public Double ratioToCeiling() {
        return ceiling == null || ceiling.receivedPerSecond() == 0 ? null : sentPerSecond / ceiling.receivedPerSecond();
    }
}
