package io.notifyhub.loadtest;

import io.notifyhub.e2e.support.LocalSystem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Submits jobs at a fixed rate whatever the answers take (open loop), and measures each answer from the
 * moment it was due, not from when it was sent, so a stall shows in full (no coordinated omission). With a
 * batch size over 1, each request is a {@code POST /api/jobs/batch} of that many jobs.
 */
final class OpenLoopDriver {

    static final String EMAIL =
            "{\"type\":\"email\",\"payload\":{\"recipient\":\"user%d@example.com\",\"subject\":\"Hello\",\"body\":\"Benchmark\"}}";
    static final String SMS = "{\"type\":\"sms\",\"payload\":{\"phone\":\"+1415555%04d\",\"message\":\"Benchmark\"}}";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI jobs;
    private final int batch;
    private final String key;
    private final String template;

    OpenLoopDriver(int apiPort, int batch) {
        this(apiPort, batch, LocalSystem.API_KEY, EMAIL);
    }

    /** @param template one job's JSON, with a {@code %d} (or {@code %04d}) the request's number fills in */
    OpenLoopDriver(int apiPort, int batch, String key, String template) {
        this.batch = batch;
        this.key = key;
        this.template = template;
        this.jobs = URI.create("http://127.0.0.1:" + apiPort + (batch > 1 ? "/api/jobs/batch" : "/api/jobs"));
    }

    private String job(long n) {
        return template.formatted(template.contains("%04d") ? n % 10_000 : n);
    }

    private String body(long request) {
        if (batch <= 1) {
            return job(request);
        }
        StringBuilder jobs = new StringBuilder("{\"jobs\":[");
        for (int i = 0; i < batch; i++) {
            jobs.append(i == 0 ? "" : ",").append(job(request * batch + i));
        }
        return jobs.append("]}").toString();
    }

    /**
     * What one stretch of load did: jobs accepted and not, the latency of each request, and the requests by the
     * status they were answered with ({@code -1}: no answer).
     */
    record Outcome(
            long accepted,
            long failed,
            Histogram latencyMicros,
            Histogram[] perSecondMicros,
            Map<Integer, Long> statuses) {}

    Outcome drive(int rate, int seconds) throws InterruptedException {
        Recorder all = new Recorder(3);
        Histogram[] perSecond = new Histogram[seconds];
        for (int i = 0; i < seconds; i++) {
            perSecond[i] = new Histogram(3);
        }
        AtomicLong accepted = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long total = (long) rate * seconds;
        try (ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long i = 0; i < total; i++) {
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                long n = i;
                requests.submit(() -> {
                    boolean ok;
                    int status = -1;
                    try {
                        HttpResponse<Void> response = http.send(
                                HttpRequest.newBuilder(jobs)
                                        .timeout(Duration.ofSeconds(30))
                                        .header("Content-Type", "application/json")
                                        .header("Authorization", "Bearer " + key)
                                        .POST(HttpRequest.BodyPublishers.ofString(body(n)))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding());
                        status = response.statusCode();
                        ok = status == 201;
                    } catch (Exception e) {
                        ok = false;
                    }
                    statuses.computeIfAbsent(status, code -> new LongAdder()).increment();
                    long micros = Math.max(1, TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - due));
                    all.recordValue(micros);
                    int second = (int) Math.min(seconds - 1, TimeUnit.NANOSECONDS.toSeconds(due - start));
                    synchronized (perSecond[second]) {
                        perSecond[second].recordValue(micros);
                    }
                    (ok ? accepted : failed).addAndGet(Math.max(1, batch));
                });
            }
        }
        Map<Integer, Long> answered = new TreeMap<>();
        statuses.forEach((code, count) -> answered.put(code, count.sum()));
        return new Outcome(accepted.get(), failed.get(), all.getIntervalHistogram(), perSecond, answered);
    }
}
