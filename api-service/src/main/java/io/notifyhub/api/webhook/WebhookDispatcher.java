package io.notifyhub.api.webhook;

import io.notifyhub.api.job.JobView;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import io.notifyhub.model.store.StoreFailures;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.http.MediaType;
import org.springframework.http.client.observation.ClientRequestObservationContext;
import org.springframework.http.client.observation.DefaultClientRequestObservationConvention;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * POSTs due status webhooks (the outbox is the jobs themselves: {@code callback.dueAt}, set with the final
 * status). A webhook is leased when a slot is free for it, and each POST runs on a thread of a pool as large as
 * the slots (platform threads: a POST loads TLS and HTTP client classes, which pins a virtual thread's carrier):
 * a slow or dead target holds one slot until its timeouts, never the others, and never a delivery (workers do
 * not wait for webhooks at all). Safe on any number of replicas: a lease is a
 * conditional update, and the outcome is recorded only while the lease holds.
 * <p>
 * Each POST connects to the addresses {@link CallbackTargets} resolved and checked just before (a resolver that
 * knows only those), so the name is never looked up a second time; TLS still verifies the certificate against the
 * name. Redirects are not followed, and a POST is cut off once its connect and read timeouts have passed.
 * <p>
 * The POST goes through a {@link RestClient} from Spring's builder (in the application, the auto-configured one):
 * it is observed as {@code http.client.requests} with {@code client.name=webhook} and {@code uri=none} (never the
 * customer's URL), and the receiver gets the trace context ({@code traceparent}).
 */
public class WebhookDispatcher implements AutoCloseable {

    static final String USER_AGENT = "notifyhub-webhooks/1";
    /** The client name in metrics and spans; the target's host would give one time series per customer. */
    static final String CLIENT_NAME = "webhook";

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

    private final JobStore store;
    private final WebhookProperties properties;
    private final CallbackTargets targets;
    private final WebhookSecrets secrets;
    private final JsonMapper json;
    private final WebhookMetrics metrics;
    private final Clock clock;
    private final Semaphore slots;
    private final RestClient.Builder restClients;
    private final ExecutorService posts;
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "webhook-deadlines");
        thread.setDaemon(true);
        return thread;
    });

    WebhookDispatcher(
            JobStore store,
            WebhookProperties properties,
            CallbackTargets targets,
            WebhookSecrets secrets,
            JsonMapper json,
            WebhookMetrics metrics,
            Clock clock) {
        this(store, properties, targets, secrets, json, metrics, RestClient.builder(), clock);
    }

    WebhookDispatcher(
            JobStore store,
            WebhookProperties properties,
            CallbackTargets targets,
            WebhookSecrets secrets,
            JsonMapper json,
            WebhookMetrics metrics,
            RestClient.Builder restClients,
            Clock clock) {
        this.restClients = restClients.clone().observationConvention(new DefaultClientRequestObservationConvention() {
            @Override
            protected io.micrometer.common.KeyValue clientName(ClientRequestObservationContext context) {
                return io.micrometer.common.KeyValue.of("client.name", CLIENT_NAME);
            }
        });
        this.store = store;
        this.properties = properties;
        this.targets = targets;
        this.secrets = secrets;
        this.json = json;
        this.metrics = metrics;
        this.clock = clock;
        this.slots = new Semaphore(properties.concurrency());
        // the slots bound the POSTs, so the queue holds none for long; idle threads end after a minute
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                properties.concurrency(),
                properties.concurrency(),
                1,
                TimeUnit.MINUTES,
                new LinkedBlockingQueue<>(),
                Thread.ofPlatform().name("webhook-", 0).daemon(true).factory());
        pool.allowCoreThreadTimeOut(true);
        this.posts = pool;
    }

    /**
     * Takes due webhooks until none is left, each POSTed in the background as soon as a slot is free; a webhook is
     * leased only once it has a slot, so no lease runs out while it waits. Returns when nothing more is due, or
     * when no slot frees up within the timeouts of a POST (every slot is stuck on a slow target).
     */
    public void runOnce() {
        long slotWait =
                properties.connectTimeout().plus(properties.readTimeout()).toMillis();
        try {
            List<Job> due;
            do {
                due = store.findDueCallbacks(clock.instant(), properties.batch());
                for (Job job : due) {
                    if (!slots.tryAcquire(slotWait, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                    Optional<Job> leased = Optional.empty();
                    try {
                        leased = store.leaseCallback(job, clock.instant().plus(properties.lease()));
                    } finally {
                        if (leased.isEmpty()) {
                            slots.release(); // another replica took it first, or the store failed
                        }
                    }
                    leased.ifPresent(this::postInBackground);
                }
            } while (due.size() == properties.batch());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!StoreFailures.isUnavailable(e)) {
                throw e;
            }
            log.warn("Webhook round skipped, store unavailable: {}", e.getMessage());
        }
    }

    private void postInBackground(Job leased) {
        posts.execute(() -> {
            try {
                deliver(leased);
            } finally {
                slots.release();
            }
        });
    }

    /** POSTs one leased webhook and records the outcome; a store failure leaves the lease to run out. */
    void deliver(Job job) {
        try (MDC.MDCCloseable logged = MDC.putCloseable("jobId", job.idHex())) {
            int attempt = job.callback().attempts() + 1;
            CallbackTargets.Check check =
                    targets.check(URI.create(job.callback().url()));
            // a target that points inside is given up at once; one whose name did not resolve is tried again
            Optional<CallbackTargets.Check.Refused> refusal =
                    check instanceof CallbackTargets.Check.Refused refused ? Optional.of(refused) : Optional.empty();
            String error = check instanceof CallbackTargets.Check.Allowed allowed
                    ? post(job, allowed.target(), attempt)
                    : "refused: target " + refusal.orElseThrow().reason();
            Instant now = clock.instant();
            boolean givenUp =
                    refusal.filter(CallbackTargets.Check.Refused::lasting).isPresent()
                            || attempt >= properties.maxAttempts();
            Instant next = error == null || givenUp ? null : now.plus(properties.backoffAfter(attempt));
            if (!store.recordCallback(job, now, error, next)) {
                // the lease ran out (another replica took over) or the job is gone: the outcome is not ours to count
                log.info(
                        "Webhook of job {} attempt {} ended after its lease: {}",
                        job.idHex(),
                        attempt,
                        error == null ? "delivered" : error);
            } else if (error == null) {
                metrics.delivered();
                log.debug("Webhook of job {} delivered on attempt {}", job.idHex(), attempt);
            } else if (givenUp) {
                metrics.failed();
                log.warn("Webhook of job {} given up after {} attempt(s): {}", job.idHex(), attempt, error);
            } else {
                metrics.retried();
                log.info("Webhook of job {} failed (attempt {}), retried at {}: {}", job.idHex(), attempt, next, error);
            }
        } catch (RuntimeException e) {
            log.warn("Webhook of job {} left to its lease: {}", job.idHex(), e.toString());
        }
    }

    /** @return {@code null} when the target answered 2xx, else why not */
    private String post(Job job, CallbackTargets.Target target, int attempt) {
        String body = json.writeValueAsString(JobView.of(job));
        List<byte[]> secrets = this.secrets.secretsFor(job.clientId());
        AtomicBoolean cutOff = new AtomicBoolean();
        AtomicReference<HttpUriRequestBase> sent = new AtomicReference<>();
        long deadline =
                properties.connectTimeout().plus(properties.readTimeout()).toMillis();
        ScheduledFuture<?> timer = deadlines.schedule(
                () -> {
                    cutOff.set(true);
                    HttpUriRequestBase request = sent.get();
                    if (request != null) {
                        request.cancel();
                    }
                },
                deadline,
                TimeUnit.MILLISECONDS);
        try (CloseableHttpClient http =
                PinnedHttp.client(target, properties.connectTimeout(), properties.readTimeout())) {
            RestClient client = restClients
                    .clone()
                    .requestFactory(new PinnedHttp.CancellableRequests(http, sent, cutOff))
                    .build();
            int status = client.post()
                    .uri(target.url())
                    .header("User-Agent", USER_AGENT)
                    .header("Notifyhub-Job-Id", job.idHex())
                    .header("Notifyhub-Attempt", String.valueOf(attempt))
                    .headers(headers -> {
                        if (!secrets.isEmpty()) {
                            headers.set(
                                    WebhookSignature.HEADER,
                                    WebhookSignature.header(
                                            secrets, clock.instant().getEpochSecond(), body));
                        }
                    })
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(body)
                    .exchange(
                            (request, response) -> {
                                int code = response.getStatusCode().value();
                                // the body is not read: the connection is dropped rather than drained
                                HttpUriRequestBase open = sent.get();
                                if (open != null) {
                                    open.cancel();
                                }
                                return code;
                            },
                            true);
            return status / 100 == 2 ? null : "HTTP " + status;
        } catch (ResourceAccessException e) {
            IOException cause = e.getCause() instanceof IOException io ? io : new IOException(e.getMessage(), e);
            return failure(cause, cutOff, deadline);
        } catch (IOException e) {
            return failure(e, cutOff, deadline);
        } finally {
            timer.cancel(false);
        }
    }

    private static String failure(IOException e, AtomicBoolean cutOff, long deadline) {
        if (e instanceof SocketTimeoutException) {
            return "timed out: " + e.getMessage();
        }
        if (e instanceof ConnectException) {
            return "ConnectException: " + e.getMessage();
        }
        if (cutOff.get()) {
            return "timed out: no answer within " + deadline + " ms";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    @Override
    public void close() {
        posts.shutdownNow(); // a POST cut short is tried again once its lease runs out
        deadlines.shutdownNow();
    }
}
