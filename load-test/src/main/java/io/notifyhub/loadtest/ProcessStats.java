package io.notifyhub.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time and resident memory of a process, read from /proc (Linux), with the CPU time of its JIT compiler
 * threads and of its garbage collector's threads apart: in a run of seconds, a JVM still compiling its hot
 * code spends much of its CPU on that, which a long-running service does not. A thread that ended (a
 * compiler thread the JVM retired) takes its time with it, so those two are lower bounds. For a process that
 * is not a JVM, and for the machine as a whole, they are NaN.
 */
record ProcessStats(double cpuSeconds, double jitSeconds, double gcSeconds, long rssBytes) {

    private static final double TICKS_PER_SECOND = 100.0;

    /** A process that is not a JVM (the broker). */
    static ProcessStats ofOther(long pid) {
        Path proc = Path.of("/proc", String.valueOf(pid));
        try {
            return new ProcessStats(cpuSeconds(proc), Double.NaN, Double.NaN, rssBytes(proc));
        } catch (IOException | RuntimeException e) {
            return new ProcessStats(0, Double.NaN, Double.NaN, 0);
        }
    }

    /** Every process of the machine: CPU busy time over all cores (/proc/stat), and memory in use. */
    static ProcessStats machine() {
        try {
            String[] cpu =
                    Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < cpu.length && i <= 7; i++) { // user nice system idle iowait irq softirq
                busy += i == 4 || i == 5 ? 0 : Long.parseLong(cpu[i]); // all but idle and iowait
            }
            long total = 0;
            long available = 0;
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                long kb = line.matches("\\w+:\\s+\\d+ kB") ? Long.parseLong(line.replaceAll("[^0-9]", "")) : 0;
                total = line.startsWith("MemTotal:") ? kb : total;
                available = line.startsWith("MemAvailable:") ? kb : available;
            }
            return new ProcessStats(busy / TICKS_PER_SECOND, Double.NaN, Double.NaN, (total - available) * 1024);
        } catch (IOException | RuntimeException e) {
            return new ProcessStats(0, Double.NaN, Double.NaN, 0);
        }
    }

    /** A JVM. */
    static ProcessStats of(long pid) {
        Path proc = Path.of("/proc", String.valueOf(pid));
        try {
            double cpu = cpuSeconds(proc);
            double jit = 0;
            double gc = 0;
            try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        String name = Files.readString(task.resolve("comm")).strip();
                        if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                            jit += cpuSeconds(task);
                        } else if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
                            gc += cpuSeconds(task);
                        }
                    } catch (IOException ended) {
                        // the thread ended while we listed them
                    }
                }
            }
            return new ProcessStats(cpu, jit, gc, rssBytes(proc));
        } catch (IOException | RuntimeException e) {
            return new ProcessStats(0, 0, 0, 0);
        }
    }

    private static long rssBytes(Path proc) throws IOException {
        return Files.readAllLines(proc.resolve("status")).stream()
                .filter(line -> line.startsWith("VmRSS:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024)
                .findFirst()
                .orElse(0);
    }

    /** User and system time of a process or of one of its threads (utime and stime of its stat). */
    private static double cpuSeconds(Path procEntry) throws IOException {
        String stat = Files.readString(procEntry.resolve("stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }
}
