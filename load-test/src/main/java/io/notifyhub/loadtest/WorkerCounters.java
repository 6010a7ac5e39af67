package io.notifyhub.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * Jobs the workers have finished, read from their Prometheus endpoints ({@code notifyhub_deliveries_total} by
 * outcome), the way a dashboard would. Counting in the store instead scans the jobs collection, which on the
 * embedded store holds the lock every job operation needs: the benchmark would slow what it measures.
 */
final class WorkerCounters {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Integer> ports;

    WorkerCounters(List<Integer> ports) {
        this.ports = List.copyOf(ports);
    }

    /** Attempts that ended with {@code outcome} ({@code sent} or {@code failed}: one per finished job) so far. */
    long count(String outcome) {
        long total = 0;
        for (int port : ports) {
            total += count(port, "outcome=\"" + outcome + "\"");
        }
        return total;
    }

    long finished() {
        return count("sent") + count("failed");
    }

    private long count(int port, String label) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                .timeout(Duration.ofSeconds(5)).build();
        String body;
        try {
            body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException("worker metrics on port " + port + " unreadable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return body.lines()
                .filter(line -> line.startsWith("notifyhub_deliveries_total{") && line.contains(label))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
