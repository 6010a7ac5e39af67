package io.notifyhub.loadtest;

import java.util.HashMap;
import java.util.Map;

/**
 * One benchmark run, from {@code key=value} words: {@code rate} (submissions per second, open loop),
 * {@code seconds} (measured), {@code warmup} (seconds before), {@code latency} (simulated provider, ms),
 * {@code workers}, {@code concurrency}, {@code prefetch} and {@code inflight} (per worker: consumers,
 * unacked messages per consumer and queue, deliveries running at once), {@code perftest} (seconds of
 * each of the two PerfTest runs, flat out and at the jobs per second offered; 0 skips them), {@code heap} (MB per service process), {@code profile} (1: a JFR recording of every
 * service process, in the output folder), {@code batch} (jobs per request: 1 posts single jobs, more posts
 * batches of that many, and {@code rate} counts requests).
 */
public record Settings(
        int rate,
        int seconds,
        int warmup,
        int latencyMs,
        int workers,
        int concurrency,
        int prefetch,
        int inFlight,
        int perfTestSeconds,
        int heapMb,
        boolean profile,
        int batch) {

    public static Settings parse(String words) {
        Map<String, String> given = new HashMap<>();
        for (String word : words.trim().split("\\s+")) {
            if (!word.isBlank()) {
                String[] kv = word.split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("expected key=value, got " + word);
                }
                given.put(kv[0], kv[1]);
            }
        }
        Settings settings = new Settings(
                get(given, "rate", 500),
                get(given, "seconds", 30),
                get(given, "warmup", 5),
                get(given, "latency", 0),
                get(given, "workers", 2),
                get(given, "concurrency", 2),
                get(given, "prefetch", 150),
                get(given, "inflight", 256),
                get(given, "perftest", 20),
                get(given, "heap", 512),
                get(given, "profile", 0) == 1,
                get(given, "batch", 1));
        if (!given.isEmpty()) {
            throw new IllegalArgumentException("unknown settings " + given.keySet());
        }
        return settings;
    }

    private static int get(Map<String, String> given, String key, int fallback) {
        String value = given.remove(key);
        return value == null ? fallback : Integer.parseInt(value);
    }

    /** Jobs offered per second: requests per second times the jobs in each. */
    public int jobsPerSecond() {
        return rate * Math.max(1, batch);
    }

    public String describe() {
        return ("rate=%d/s batch=%d seconds=%d warmup=%d latency=%dms workers=%d concurrency=%d prefetch=%d"
                        + " inflight=%d perftest=%ds heap=%dMB%s")
                .formatted(
                        rate,
                        batch,
                        seconds,
                        warmup,
                        latencyMs,
                        workers,
                        concurrency,
                        prefetch,
                        inFlight,
                        perfTestSeconds,
                        heapMb,
                        profile ? " profile" : "");
    }
}
