package io.notifyhub.worker.config;

import io.notifyhub.worker.provider.NotificationProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Warms the worker up between the start of its web server and that of its consumers. A worker that starts into
 * a backlog gets its prefetch of messages at once, and every first delivery then loads the same classes (the
 * mail stack, the store's codecs) while the first health requests load theirs: on one CPU, health took seconds
 * to answer (issue #17). So in the start-up's order (a lifecycle phase just after the web server's and before
 * the listener containers', which start last), the health endpoint answers one request of our own and each
 * provider warms up ({@link NotificationProvider#warmUp()}); only then do the consumers start. Each step is
 * bounded and may fail: the worker consumes in any case.
 */
@Component
class WarmStart implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WarmStart.class);
    private static final Duration HEALTH_WAIT = Duration.ofSeconds(5);

    private final ApplicationContext context;
    private final List<NotificationProvider> providers;
    private volatile boolean running;

    WarmStart(ApplicationContext context, List<NotificationProvider> providers) {
        this.context = context;
        this.providers = providers;
    }

    @Override
    public void start() {
        long started = System.nanoTime();
        if (context instanceof WebServerApplicationContext web
                && web.getWebServer() != null
                && web.getWebServer().getPort() > 0) {
            askHealth(web.getWebServer().getPort());
        }
        for (NotificationProvider provider : providers) {
            try {
                provider.warmUp();
            } catch (RuntimeException e) {
                log.debug("Warm-up of provider {} failed: {}", provider.name(), e.toString());
            }
        }
        running = true;
        log.info(
                "Warmed up in {} ms; the consumers start",
                Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the web server (health answers) and before the listener containers (Integer.MAX_VALUE). */
    @Override
    public int getPhase() {
        return WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE + 1;
    }

    /** One request through the web server, the health endpoint and its JSON, as a probe will make. */
    private static void askHealth(int port) {
        try (HttpClient http =
                HttpClient.newBuilder().connectTimeout(HEALTH_WAIT).build()) {
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                            .timeout(HEALTH_WAIT)
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("Warm-up request to the health endpoint failed: {}", e.toString());
        }
    }
}
