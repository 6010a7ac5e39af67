package io.notifyhub.e2e.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client that submits jobs at a fixed rate, as a careful real client would: each job with its own
 * {@code Idempotency-Key}, retried with that key while the API is unreachable or answers 409, 5xx or 503,
 * for a bounded time. Only loopback.
 */
public final class LoadClient {

    private static final Pattern ID = Pattern.compile("\"_id\":\"([0-9a-f]{24})\"");
    private static final String[] BODIES = {
        "{\"type\":\"email\",\"payload\":{\"recipient\":\"user%d@example.com\",\"subject\":\"Hello %d\",\"body\":\"Body\"}}",
        "{\"type\":\"sms\",\"payload\":{\"phone\":\"+1415555%04d\",\"message\":\"Code %d\"}}",
        "{\"type\":\"push\",\"payload\":{\"token\":\"device-%d\",\"title\":\"Hi\",\"body\":\"Message %d\"}}"
    };

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final int apiPort;
    private final Duration retryFor;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    public LoadClient(int apiPort, Duration retryFor) {
        this.apiPort = apiPort;
        this.retryFor = retryFor;
    }

    /** What came of a run: the ids of the accepted jobs, and how the API answered along the way. */
    public record Result(Set<String> accepted, int refused, int retries, Map<Integer, Integer> answers) {}

    public Result submit(int jobs, int perSecond) throws InterruptedException {
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        Map<Integer, Integer> answers = new ConcurrentHashMap<>();
        long started = System.nanoTime();
        long interval = TimeUnit.SECONDS.toNanos(1) / perSecond;
        try (ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < jobs; i++) {
                long due = started + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                int n = i;
                requests.submit(() -> {
                    String id = submitOne(n, retries, answers);
                    if (id != null) {
                        accepted.add(id);
                    } else {
                        refused.incrementAndGet();
                    }
                });
            }
        }
        return new Result(Set.copyOf(accepted), refused.get(), retries.get(), Map.copyOf(answers));
    }

    private String submitOne(int n, AtomicInteger retries, Map<Integer, Integer> answers) {
        String body = BODIES[n % BODIES.length].formatted(n % 10_000, n);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/jobs"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + LocalSystem.API_KEY)
                .header("Idempotency-Key", run + "-" + n)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        long deadline = System.nanoTime() + retryFor.toNanos();
        for (int attempt = 0; ; attempt++) {
            int status;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                status = response.statusCode();
                answers.merge(status, 1, Integer::sum);
                if (status == 201) {
                    Matcher id = ID.matcher(response.body());
                    return id.find() ? id.group(1) : null;
                }
                if (status == 400 || status == 422) {
                    return null; // our request is wrong: retrying cannot help
                }
            } catch (IOException unreachable) {
                answers.merge(-1, 1, Integer::sum);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            if (System.nanoTime() > deadline) {
                return null;
            }
            retries.incrementAndGet();
            try {
                Thread.sleep(Math.min(2000, 200L << Math.min(attempt, 3)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }
}
