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

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Integer> ports;

    WorkerCounters(List<Integer> ports) {
        this.ports = List.copyOf(ports);
    }

    /**
     * Attempts that ended sent and failed (one per finished job) so far, over every worker, and the messages
     * they dropped as duplicates ({@code notifyhub_duplicate_messages_total}).
     */
    Counts read() {
        long sent = 0;
        long failed = 0;
        long duplicates = 0;
        for (int port : ports) {
            List<String> lines = scrape(port);
            sent += sum(lines, "notifyhub_deliveries_total{", "outcome=\"sent\"");
            failed += sum(lines, "notifyhub_deliveries_total{", "outcome=\"failed\"");
            duplicates += sum(lines, "notifyhub_duplicate_messages_total{", "");
        }
        return new Counts(sent, failed, duplicates);
    }

    record Counts(long sent, long failed, long duplicates) {
        long finished() {
            return sent + failed;
        }
    }

    /**
     * One scrape of one worker, of those counters only: a whole scrape of a worker's meters took 6 % of its CPU
     * when the benchmark read every worker twice a reading, four readings a second.
     */
    private List<String> scrape(int port) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/actuator/prometheus?includedNames=notifyhub_deliveries,notifyhub_deliveries_total,"
                        + "notifyhub_duplicate_messages,notifyhub_duplicate_messages_total"))
                .timeout(Duration.ofSeconds(5))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString())
                    .body()
                    .lines()
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException("worker metrics on port " + port + " unreadable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long sum(List<String> lines, String meter, String label) {
        return lines.stream()
                .filter(line -> line.startsWith(meter) && line.contains(label))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
