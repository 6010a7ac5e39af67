package io.notifyhub.worker.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.notifyhub.model.Channel;
import io.notifyhub.model.JobMessage;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.Priority;
import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.messaging.JobPublisher.Outgoing;
import io.notifyhub.model.store.Job;
import io.notifyhub.model.topology.Topology;
import io.notifyhub.worker.support.WorkerIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A high job overtakes a backlog of normal ones: 10,000 normal emails wait behind a slowed simulated provider
 * (300 ms a send, 8 normal deliveries at once: they would need six minutes), then one high email must be sent
 * within 2 s. Were the high queue consumed by the normal consumers, or its deliveries run in the normal slots,
 * it would wait behind the messages prefetched or in flight before it. The context is closed afterwards, so its
 * listeners stop taking from the shared queues.
 */
@DirtiesContext
class PriorityTests extends WorkerIntegrationTest {

    private static final int BACKLOG = 10_000;

    @Autowired
    JobPublisher publisher;

    @DynamicPropertySource
    static void slowSimulatedProvider(DynamicPropertyRegistry registry) {
        registry.add("notifyhub.worker.providers.email", () -> "simulated");
        registry.add("notifyhub.providers.simulated.latency", () -> "300ms");
        registry.add("notifyhub.worker.max-in-flight", () -> "8");
    }

    @Autowired
    RabbitListenerEndpointRegistry listeners;

    /**
     * Consumers stopped first (they return what they prefetched), then the messages are dropped: nothing is left
     * for the next test class's listeners (its own set-up removes the jobs).
     */
    @AfterEach
    void dropTheBacklog() {
        listeners.stop();
        admin.purgeQueue(Topology.workQueue(Channel.EMAIL), false);
        admin.purgeQueue(Topology.DEAD_LETTER_QUEUE, false);
    }

    @Test
    void shouldSendAHighJobWithinTwoSecondsPastTenThousandWaitingNormalOnes() {
        long stocking = System.nanoTime();
        Instant now = Instant.now();
        List<Job> backlog = store.insertAll(IntStream.range(0, BACKLOG)
                .mapToObj(i -> Job.queued(Channel.EMAIL, email("user" + i + "@example.com"), now))
                .toList());
        assertThat(publisher.publishAll(backlog.stream().map(Outgoing::toWork).toList()))
                .hasSize(BACKLOG);
        Duration stocked = Duration.ofNanos(System.nanoTime() - stocking);
        await().atMost(Duration.ofSeconds(10)).until(() -> store.count(JobStatus.SENT) >= 16); // the backlog is moving

        Job high = store.insert(Job.queued(Channel.EMAIL, email("vip@example.com"), Instant.now())
                .withPriority(Priority.HIGH));
        long published = System.nanoTime();
        publisher.publish(
                Topology.WORK_EXCHANGE, Topology.routingKey(Channel.EMAIL, Priority.HIGH), JobMessage.of(high.idHex()));

        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> statusOf(high) == JobStatus.SENT);
        Duration took = Duration.ofNanos(System.nanoTime() - published);
        long normalSent = store.count(JobStatus.SENT) - 1;

        assertThat(took).as("high job sent after publish").isLessThan(Duration.ofSeconds(2));
        assertThat(BACKLOG - normalSent)
                .as("normal jobs still waiting when the high one was sent")
                .isGreaterThan(9_000);
        assertThat(reload(high).provider()).isEqualTo("simulated");
        System.out.printf(
                "PriorityTests: backlog stored and published in %d ms; high job sent %d ms after publish, "
                        + "with %d of %d normal jobs still waiting%n",
                stocked.toMillis(), took.toMillis(), BACKLOG - normalSent, BACKLOG);
    }

    private static Map<String, Object> email(String recipient) {
        return Map.of("recipient", recipient, "subject", "Hi", "body", "Hello");
    }
}
