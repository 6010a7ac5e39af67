package io.notifyhub.api.webhook;

import io.notifyhub.api.job.JobView;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.store.JobStore;
import io.notifyhub.model.store.StoreFailures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import tools.jackson.databind.json.JsonMapper;

/**
 * POSTs due status webhooks (the outbox is the jobs themselves: {@code callback.dueAt}, set with the final
 * status). A webhook is leased when a slot is free for it, and each POST runs on its own virtual thread: a slow
 * or dead target holds one slot until its timeouts, never the others, and never a delivery (workers do not wait
 * for webhooks at all). Safe on any number of replicas: a lease is a
 * conditional update, and the outcome is recorded only while the lease holds.
 */
public class WebhookDispatcher implements AutoCloseable {

    static final String USER_AGENT = "notifyhub-webhooks/1";
    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

    private final JobStore store;
    private final WebhookProperties properties;
    private final CallbackTargets targets;
    private final WebhookSecrets secrets;
    private final JsonMapper json;
    private final WebhookMetrics metrics;
    private final Clock clock;
    private final HttpClient http;
    private final Semaphore slots;
    private final ExecutorService posts = Executors.newVirtualThreadPerTaskExecutor();

    WebhookDispatcher(JobStore store, WebhookProperties properties, CallbackTargets targets, WebhookSecrets secrets,
            JsonMapper json, WebhookMetrics metrics, Clock clock) {
        this.store = store;
        this.properties = properties;
        this.targets = targets;
        this.secrets = secrets;
        this.json = json;
        this.metrics = metrics;
        this.clock = clock;
        this.slots = new Semaphore(properties.concurrency());
        // redirects are not followed: a redirect could lead past the address check
        this.http = HttpClient.newBuilder().connectTimeout(properties.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * Takes due webhooks until none is left, each POSTed in the background as soon as a slot is free; a webhook is
     * leased only once it has a slot, so no lease runs out while it waits. Returns when nothing more is due, or
     * when no slot frees up within the timeouts of a POST (every slot is stuck on a slow target).
     */
    public void runOnce() {
        long slotWait = properties.connectTimeout().plus(properties.readTimeout()).toMillis();
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
            URI url = URI.create(job.callback().url());
            Optional<String> refusal = targets.refusal(url);
            String error = refusal.map(reason -> "refused: target " + reason).orElseGet(() -> post(job, url, attempt));
            Instant now = clock.instant();
            boolean givenUp = refusal.isPresent() || attempt >= properties.maxAttempts();
            Instant next = error == null || givenUp ? null : now.plus(properties.backoffAfter(attempt));
            if (!store.recordCallback(job, now, error, next)) {
                // the lease ran out (another replica took over) or the job is gone: the outcome is not ours to count
                log.info("Webhook of job {} attempt {} ended after its lease: {}", job.idHex(), attempt,
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
    private String post(Job job, URI url, int attempt) {
        String body = json.writeValueAsString(JobView.of(job));
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(properties.readTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", USER_AGENT)
                .header("Notifyhub-Job-Id", job.idHex())
                .header("Notifyhub-Attempt", String.valueOf(attempt))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        secrets.secretFor(job.clientId()).ifPresent(secret -> request.header(WebhookSignature.HEADER,
                WebhookSignature.header(secret, clock.instant().getEpochSecond(), body)));
        try {
            int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            return status / 100 == 2 ? null : "HTTP " + status;
        } catch (HttpTimeoutException e) {
            return "timed out: " + e.getMessage();
        } catch (IOException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    @Override
    public void close() {
        posts.shutdownNow(); // a POST cut short is tried again once its lease runs out
        http.close();
    }
}
