package io.notifyhub.worker.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.notifyhub.model.Channel;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.workers.WorkerHeartbeat;
import io.notifyhub.worker.support.ScriptedProvider;
import io.notifyhub.worker.support.WorkerIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The worker's heartbeat in the {@code workers} collection: written every beat, telling the deliveries in flight,
 * the limit and each provider breaker's state as they change, and removed when the worker stops. The test beats
 * on demand ({@link Heartbeat#beat()}) besides the worker's own beats every 5 s, so it waits for no timer; it shares
 * the other worker tests' context (a second context would consume their queues too) and closes it at the end, as
 * its last test stops the heartbeat.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HeartbeatTests extends WorkerIntegrationTest {

    @Autowired
    CircuitBreakerRegistry breakers;

    @Autowired
    Heartbeat heartbeat;

    @Test
    @Order(1)
    void shouldTellDeliveriesInFlightAndBreakerStatesEverySecond() {
        heartbeat.beat();
        WorkerHeartbeat first = stored();
        assertThat(first.channels()).containsExactly("email", "sms", "push");
        // both priority lanes: notifyhub.worker.max-in-flight (256) and priority-max-in-flight (32)
        assertThat(first.inFlightLimit()).isEqualTo(256 + 32);
        assertThat(first.everyMillis()).isEqualTo(5000);
        assertThat(Duration.between(first.seenAt(), first.expiresAt())).isEqualTo(Duration.ofMinutes(10));
        assertThat(first.breakers()).contains(new WorkerHeartbeat.Breaker(ScriptedProvider.NAME, "CLOSED"));

        // five slow deliveries are in flight at the next beats
        provider.latency(Duration.ofSeconds(4));
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Job job = storedJob(Channel.SMS);
            jobs.add(job);
            publish(job);
        }
        await().atMost(Duration.ofSeconds(3)).until(() -> beat().inFlight() == 5);
        Instant seen = stored().seenAt();
        await().atMost(Duration.ofSeconds(3)).until(() -> beat().seenAt().isAfter(seen));

        breakers.circuitBreaker(ScriptedProvider.NAME).transitionToOpenState();
        try {
            await().atMost(Duration.ofSeconds(5))
                    .until(() ->
                            stored().breakers().contains(new WorkerHeartbeat.Breaker(ScriptedProvider.NAME, "OPEN")));
        } finally {
            breakers.circuitBreaker(ScriptedProvider.NAME).transitionToClosedState();
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> beat().inFlight() == 0);
    }

    /** Last: it stops this context's heartbeat. */
    @Test
    @Order(2)
    void shouldRemoveTheHeartbeatOnStop() {
        heartbeat.beat();
        assertThat(stored()).isNotNull();
        heartbeat.stop();
        assertThat(stored()).isNull();
    }

    private WorkerHeartbeat beat() {
        heartbeat.beat();
        return stored();
    }

    private WorkerHeartbeat stored() {
        return mongo.findById("test-worker", WorkerHeartbeat.class);
    }
}
