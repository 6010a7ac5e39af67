package io.notifyhub.worker.delivery;

import io.micrometer.context.ContextSnapshotFactory;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Deliveries running on virtual threads, at most {@code limit} at once, so a listener thread only hands a
 * message over and a slow provider holds a cheap virtual thread instead of a consumer. When every slot is
 * taken, the listener thread waits for one: the prefetched messages stay with the broker's count of
 * unacked ones, and nothing more is taken.
 *
 * <p>On shutdown, {@link #close} stops taking new deliveries and {@link #awaitEnd} waits for those in flight
 * to finish and settle their messages, while the consumer channels are still open.
 */
final class InFlightDeliveries {

    private static final ContextSnapshotFactory CONTEXT = ContextSnapshotFactory.builder().build();

    private final int limit;
    private final Semaphore slots;
    private final ExecutorService threads;

    InFlightDeliveries(String name, int limit) {
        this.limit = limit;
        this.slots = new Semaphore(limit);
        this.threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(name + "-", 0).factory());
    }

    /**
     * Runs {@code delivery} on a virtual thread of its own, in the caller's trace context, once a slot is free.
     *
     * @return false when shutting down: the delivery was not run, and its message must be left unsettled
     *         so that it returns to the queue when the channel closes
     */
    boolean start(Runnable delivery) throws InterruptedException {
        slots.acquire();
        try {
            threads.execute(CONTEXT.captureAll().wrap(() -> {
                try {
                    delivery.run();
                } finally {
                    slots.release();
                }
            }));
            return true;
        } catch (RejectedExecutionException shuttingDown) {
            slots.release();
            return false;
        }
    }

    /** Deliveries running now. */
    int running() {
        return Math.max(0, limit - slots.availablePermits());
    }

    int limit() {
        return limit;
    }

    /** Takes no new delivery from now on; a listener thread waiting for a slot goes on at once, and is refused. */
    void close() {
        threads.shutdown();
        slots.release(Integer.MAX_VALUE / 2);
    }

    /**
     * Waits until {@code deadline} for the deliveries running to end; call {@link #close} first.
     *
     * @return whether every delivery ended in time
     */
    boolean awaitEnd(long deadlineNanos) throws InterruptedException {
        return threads.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
}
