package io.notifyhub.worker.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The watchdog's reading of the deliveries in flight, on a clock the test moves: the oldest one's age and how
 * many have run past a bound. No servers.
 */
class DeliveryWatchdogTests {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final InFlightDeliveries inFlight = new InFlightDeliveries("watched", 4, nanos::get);

    @Test
    void shouldReadTheOldestDeliveryAndThoseRunningPastTheBound() throws Exception {
        assertThat(inFlight.oldest()).isEqualTo(Duration.ZERO);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(3);
        Runnable stuck = () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                ended.countDown();
            }
        };

        inFlight.start(stuck);
        advance(Duration.ofSeconds(50));
        inFlight.start(stuck);
        advance(Duration.ofSeconds(20));
        inFlight.start(stuck);

        assertThat(inFlight.running()).isEqualTo(3);
        assertThat(inFlight.oldest()).isEqualTo(Duration.ofSeconds(70));
        assertThat(inFlight.runningLongerThan(Duration.ofMinutes(1))).isEqualTo(1);
        assertThat(inFlight.runningLongerThan(Duration.ofSeconds(10))).isEqualTo(2);

        release.countDown();
        assertThat(ended.await(5, TimeUnit.SECONDS)).isTrue();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> inFlight.running() == 0);
        assertThat(inFlight.oldest()).isEqualTo(Duration.ZERO);
        assertThat(inFlight.runningLongerThan(Duration.ZERO)).isZero();
    }

    @Test
    void shouldRunDeliveriesOnPlatformThreadsNotVirtualOnes() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        boolean[] virtual = {true};
        inFlight.start(() -> {
            virtual[0] = Thread.currentThread().isVirtual();
            ran.countDown();
        });

        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(virtual[0])
                .as("a delivery on a virtual thread can pin its carrier in class loading")
                .isFalse();
    }

    private void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }
}
