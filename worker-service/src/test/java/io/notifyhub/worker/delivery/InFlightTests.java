package io.notifyhub.worker.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobMessage;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.Priority;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.topology.Topology;
import io.notifyhub.worker.support.WorkerIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * One worker runs many deliveries at once, on virtual threads, but never more than {@code max-in-flight}; the
 * high queues have slots of their own. (With a thread per consumer, the 2 consumers here would run two at a
 * time.) The context is closed afterwards, so its listeners stop taking from the shared queues.
 */
@DirtiesContext
@TestPropertySource(properties = {"notifyhub.worker.max-in-flight=20", "spring.rabbitmq.listener.simple.concurrency=2"})
class InFlightTests extends WorkerIntegrationTest {

    private static final int JOBS = 100;

    @Autowired
    MeterRegistry meters;

    @Test
    void shouldRunUpToMaxInFlightDeliveriesAtOnceAndHighOnesBesideThem() {
        provider.latency(Duration.ofMillis(500));
        List<Job> jobs =
                IntStream.range(0, JOBS).mapToObj(i -> storedJob(Channel.EMAIL)).toList();
        jobs.forEach(this::publish);

        await().atMost(Duration.ofSeconds(10)).until(() -> inFlight("normal") == 20);
        await().atMost(Duration.ofSeconds(10)).until(() -> store.count(JobStatus.SENT) >= 30); // slots reused
        assertThat(provider.mostAtOnce())
                .as("provider calls at once, normal jobs only")
                .isEqualTo(20);

        Job high = store.insert(Job.queued(
                        Channel.EMAIL,
                        Map.of("recipient", "vip@example.com", "subject", "Hi", "body", "Hello"),
                        Instant.now())
                .withPriority(Priority.HIGH));
        publishRaw(
                Topology.routingKey(Channel.EMAIL, Priority.HIGH),
                JobMessage.of(high.idHex()).toBytes());
        await().atMost(Duration.ofSeconds(5)).until(() -> statusOf(high) == JobStatus.SENT);
        assertThat(store.count(JobStatus.SENT))
                .as("normal jobs still running when the high one was sent")
                .isLessThan(JOBS + 1);
        assertThat(provider.mostAtOnce())
                .as("the high job ran beside 20 normal ones")
                .isEqualTo(21);

        await().atMost(Duration.ofSeconds(30)).until(() -> store.count(JobStatus.SENT) == JOBS + 1);
        assertThat(jobs)
                .allSatisfy(job -> assertThat(provider.calls(job.idHex())).hasSize(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> inFlight("normal") == 0 && inFlight("high") == 0);
        assertThat(meters.get("notifyhub.worker.deliveries.in.flight.limit")
                        .tag("priority", "normal")
                        .gauge()
                        .value())
                .isEqualTo(20);
    }

    private double inFlight(String priority) {
        return meters.get("notifyhub.worker.deliveries.in.flight")
                .tag("priority", priority)
                .gauge()
                .value();
    }
}
