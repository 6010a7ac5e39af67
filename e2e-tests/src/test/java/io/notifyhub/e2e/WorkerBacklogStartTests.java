package io.notifyhub.e2e;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.notifyhub.e2e.support.LocalSystem;
import io.notifyhub.e2e.support.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Never hang (issue #17): a worker that starts into a backlog of 2,000 emails, confined to one CPU and again to
 * two, several starts in a row each (three in the suite; ten with {@code -Dnotifyhub.backlog.starts=10}). Its health answers within a second throughout (from its first answer until the
 * last job is sent, both {@code /actuator/health} and its liveness, polled without pause), and every job is sent
 * exactly once: local-stack's SMTP sink took one message per job, found by its Message-ID. Before #17 a worker
 * deadlocked on two CPUs in such a start, and on one its health took up to 7.8 s.
 */
class WorkerBacklogStartTests {

    private static final int BACKLOG = Integer.getInteger("notifyhub.backlog.jobs", 2_000);
    /** Starts per CPU setting: 3 in the suite, to keep it short; -Dnotifyhub.backlog.starts=10 for the full proof */
    private static final int STARTS = Integer.getInteger("notifyhub.backlog.starts", 3);

    private static final Duration HEALTH_BOUND = Duration.ofSeconds(1);
    private static final Duration DRAIN_WITHIN = Duration.ofMinutes(2);
    private static final Pattern MESSAGE_ID = Pattern.compile("\"messageId\":\"<([0-9a-f]{24})@");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static LocalSystem system;
    private static MongoClient mongo;
    private static MongoCollection<Document> jobs;

    @BeforeAll
    static void start() {
        // the API only takes the backlog: no worker runs until the test starts one
        system = new LocalSystem(Map.of()).withSmtpSink().start(0);
        mongo = MongoClients.create(system.mongoUri());
        jobs = mongo.getDatabase(new ConnectionString(system.mongoUri()).getDatabase())
                .getCollection("jobs");
    }

    @AfterAll
    static void stop() {
        if (mongo != null) {
            mongo.close();
        }
        if (system != null) {
            system.close();
        }
    }

    @ParameterizedTest(name = "on CPUs {0}")
    @ValueSource(strings = {"0", "0,1"})
    void shouldAnswerHealthWithinASecondAndSendEveryJobOnceWhenStartedIntoABacklog(String cpus) throws Exception {
        for (int start = 1; start <= STARTS; start++) {
            call("DELETE", "http://127.0.0.1:" + system.mailPort() + "/messages", null);
            List<ObjectId> backlog = backlog(BACKLOG);
            int port = LocalSystem.freePort();
            Map<String, String> env = new HashMap<>(system.env());
            env.put("WORKER_PORT", String.valueOf(port));
            env.put("NOTIFYHUB_WORKER_ID", "e2e-backlog-" + start);
            ServiceProcess worker = new ServiceProcess("backlog-worker", "notifyhub.jar.worker", env)
                    .onCpus(cpus)
                    .start();
            HealthWatch health = new HealthWatch(port);
            long started = System.nanoTime();
            Duration drained;
            try {
                drained = awaitSent(backlog, worker);
            } finally {
                health.stop();
                worker.terminate(Duration.ofSeconds(40));
            }
            Map<String, Long> received = receivedMessageIds();
            System.out.printf(
                    "backlog-start: cpus=%s start=%d jobs=%d all sent %.1f s after launch; health answered %d"
                            + " times, slowest %d ms, first answer %.1f s after launch%n",
                    cpus,
                    start,
                    backlog.size(),
                    drained.toMillis() / 1000.0,
                    health.answers(),
                    health.slowest().toMillis(),
                    health.firstAnswerAfter(started) / 1000.0);

            assertThat(health.failures())
                    .as("health requests slower than %s or refused once it answered (start %d)", HEALTH_BOUND, start)
                    .isEmpty();
            assertThat(health.answers()).as("health answers (start %d)", start).isPositive();
            assertThat(received.keySet())
                    .as("mails that arrived, by job (start %d)", start)
                    .containsExactlyInAnyOrderElementsOf(
                            backlog.stream().map(ObjectId::toHexString).toList());
            assertThat(received.values()).as("mails per job (start %d)", start).allMatch(count -> count == 1);
        }
    }

    /** Submits {@code count} emails in batches of 1,000 while no worker runs; their ids. */
    private static List<ObjectId> backlog(int count) throws Exception {
        List<ObjectId> ids = new ArrayList<>();
        for (int from = 0; from < count; from += 1000) {
            String items = java.util.stream.IntStream.range(from, Math.min(count, from + 1000))
                    .mapToObj(i -> "{\"type\":\"email\",\"payload\":{\"recipient\":\"backlog" + i
                            + "@example.com\",\"subject\":\"Backlog\",\"body\":\"Email " + i + "\"}}")
                    .collect(Collectors.joining(",", "{\"jobs\":[", "]}"));
            HttpResponse<String> response =
                    call("POST", "http://127.0.0.1:" + system.apiPort() + "/api/jobs/batch", items);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            Matcher id = Pattern.compile("\"([0-9a-f]{24})\"").matcher(response.body());
            while (id.find()) {
                ids.add(new ObjectId(id.group(1)));
            }
        }
        assertThat(ids).hasSize(count);
        return ids;
    }

    private static Duration awaitSent(List<ObjectId> backlog, ServiceProcess worker) throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + DRAIN_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (!worker.isAlive()) {
                throw new AssertionError("the worker exited\n" + worker.tail());
            }
            if (jobs.countDocuments(and(in("_id", backlog), eq("status", "sent"))) == backlog.size()) {
                return Duration.ofNanos(System.nanoTime() - started);
            }
            Thread.sleep(250);
        }
        throw new AssertionError("not every job was sent within " + DRAIN_WITHIN + "\n" + worker.tail());
    }

    /** How many messages arrived at the sink, by the job id in their Message-ID. */
    private static Map<String, Long> receivedMessageIds() throws Exception {
        String listing = call("GET", "http://127.0.0.1:" + system.mailPort() + "/messages", null)
                .body();
        Map<String, Long> counts = new HashMap<>();
        Matcher id = MESSAGE_ID.matcher(listing);
        while (id.find()) {
            counts.merge(id.group(1), 1L, Long::sum);
        }
        return counts;
    }

    private static HttpResponse<String> call(String method, String url, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + LocalSystem.API_KEY)
                .header("Content-Type", "application/json");
        request.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Asks a worker's health and liveness without pause, each request bounded by twice {@link #HEALTH_BOUND}, and
     * keeps every answer slower than the bound, or refused once the worker had answered, as a failure.
     */
    private static final class HealthWatch {
        private final AtomicBoolean watching = new AtomicBoolean(true);
        private final List<String> failures = new CopyOnWriteArrayList<>();
        private final AtomicLong answers = new AtomicLong();
        private final AtomicLong slowestNanos = new AtomicLong();
        private final Map<String, Long> firstAnswer = new ConcurrentHashMap<>();
        private final List<Thread> threads;

        HealthWatch(int port) {
            threads = List.of("/actuator/health", "/actuator/health/liveness").stream()
                    .map(path -> Thread.ofPlatform()
                            .daemon()
                            .name("health-watch" + path.replace('/', '-'))
                            .start(() -> watch(URI.create("http://127.0.0.1:" + port + path))))
                    .toList();
        }

        private void watch(URI uri) {
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(HEALTH_BOUND.multipliedBy(2))
                    .build();
            boolean answered = false;
            while (watching.get()) {
                long asked = System.nanoTime();
                try {
                    HttpResponse<String> response = http.send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(HEALTH_BOUND.multipliedBy(2))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    long took = System.nanoTime() - asked;
                    answered = true;
                    answers.incrementAndGet();
                    firstAnswer.putIfAbsent(uri.getPath(), asked);
                    slowestNanos.accumulateAndGet(took, Math::max);
                    if (took > HEALTH_BOUND.toNanos()) {
                        failures.add(uri.getPath() + " answered " + response.statusCode() + " in " + took / 1_000_000
                                + " ms, asked at " + java.time.LocalTime.now().minusNanos(took) + ": "
                                + response.body());
                    }
                } catch (java.net.ConnectException notListening) {
                    if (answered) {
                        failures.add(uri.getPath() + " refused the connection after it had answered");
                    }
                } catch (java.io.IOException e) {
                    failures.add(uri.getPath() + ": " + e + " after " + (System.nanoTime() - asked) / 1_000_000
                            + " ms, asked at " + java.time.LocalTime.now().minusNanos(System.nanoTime() - asked));
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    Thread.sleep(answered ? 50 : 20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop() throws InterruptedException {
            watching.set(false);
            for (Thread thread : threads) {
                thread.join(5_000);
            }
        }

        List<String> failures() {
            return List.copyOf(failures);
        }

        long answers() {
            return answers.get();
        }

        Duration slowest() {
            return Duration.ofNanos(slowestNanos.get());
        }

        long firstAnswerAfter(long startedNanos) {
            return firstAnswer.values().stream()
                    .mapToLong(at -> (at - startedNanos) / 1_000_000)
                    .min()
                    .orElse(-1);
        }
    }
}
