package io.notifyhub.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time and resident memory of a process, read from /proc (Linux), with the CPU time of its JIT compiler
 * threads and of its garbage collector's threads apart: in a run of seconds, a JVM still compiling its hot
 * code spends much of its CPU on that, which a long-running service does not. A thread that ended (a
 * compiler thread the JVM retired) takes its time with it, so those two are lower bounds.
 */
record ProcessStats(double cpuSeconds, double jitSeconds, double gcSeconds, long rssBytes) {

    private static final double TICKS_PER_SECOND = 100.0;

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
            long rss = Files.readAllLines(proc.resolve("status")).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024)
                    .findFirst().orElse(0);
            return new ProcessStats(cpu, jit, gc, rss);
        } catch (IOException | RuntimeException e) {
            return new ProcessStats(0, 0, 0, 0);
        }
    }

    /** User and system time of a process or of one of its threads (utime and stime of its stat). */
    private static double cpuSeconds(Path procEntry) throws IOException {
        String stat = Files.readString(procEntry.resolve("stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }
}
