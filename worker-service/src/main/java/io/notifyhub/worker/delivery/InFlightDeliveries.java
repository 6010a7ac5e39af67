package io.notifyhub.worker.delivery;

import io.micrometer.context.ContextSnapshotFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Deliveries running on a pool of platform threads, at most {@code limit} at once, so a listener thread only
 * hands a message over and a slow provider holds a pooled thread instead of a consumer. When every slot is
 * taken, the listener thread waits for one: the prefetched messages stay with the broker's count of
 * unacked ones, and nothing more is taken.
 *
 * <p>Platform threads, not virtual ones, by design: a delivery loads classes lazily (jakarta.mail, TLS, the
 * providers' clients) and may block in native code, and a virtual thread doing either pins its carrier. With
 * as many carriers as CPUs (one or two in a pod), deliveries pinned in class loading while the lock they wait
 * for is held by an unmounted virtual thread deadlocked a worker, health endpoint included (issue #17). The
 * worker runs no virtual threads at all ({@code spring.threads.virtual.enabled=false}), so there is no carrier
 * pool to starve: the operating system schedules deliveries, listeners and the health endpoint's threads
 * alike. Threads are started as deliveries need them and end after a minute idle.
 *
 * <p>On shutdown, {@link #close} stops taking new deliveries and {@link #awaitEnd} waits for those in flight
 * to finish and settle their messages, while the consumer channels are still open.
 *
 * <p>It also keeps when each running delivery started, the watchdog's reading: how long the oldest has run,
 * and how many have run longer than a bound (a delivery waits at most the provider's timeout and a few store
 * round trips; one that runs for minutes is stuck, or the store is gone).
 */
final class InFlightDeliveries {

    private static final ContextSnapshotFactory CONTEXT =
            ContextSnapshotFactory.builder().build();

    private final int limit;
    private final Semaphore slots;
    private final ThreadPoolExecutor threads;
    private final LongSupplier nanoTime;
    private final AtomicLong ids = new AtomicLong();
    /** Running deliveries: when each started ({@link #nanoTime}), by a number of its own */
    private final Map<Long, Long> started = new ConcurrentHashMap<>();

    InFlightDeliveries(String name, int limit) {
        this(name, limit, System::nanoTime);
    }

    InFlightDeliveries(String name, int limit, LongSupplier nanoTime) {
        this.limit = limit;
        this.nanoTime = nanoTime;
        this.slots = new Semaphore(limit);
        // the slots bound the tasks, so the queue never holds more than the threads about to take them
        this.threads = new ThreadPoolExecutor(
                limit,
                limit,
                1,
                TimeUnit.MINUTES,
                new LinkedBlockingQueue<>(),
                Thread.ofPlatform().name(name + "-", 0).daemon(true).factory());
        this.threads.allowCoreThreadTimeOut(true);
    }

    /**
     * Runs {@code delivery} on a pooled thread, in the caller's trace context, once a slot is free.
     *
     * @return false when shutting down: the delivery was not run, and its message must be left unsettled
     *         so that it returns to the queue when the channel closes
     */
    boolean start(Runnable delivery) throws InterruptedException {
        slots.acquire();
        long id = ids.incrementAndGet();
        started.put(id, nanoTime.getAsLong());
        try {
            threads.execute(CONTEXT.captureAll().wrap(() -> {
                try {
                    delivery.run();
                } finally {
                    started.remove(id);
                    slots.release();
                }
            }));
            return true;
        } catch (RejectedExecutionException shuttingDown) {
            started.remove(id);
            slots.release();
            return false;
        }
    }

    /** How long the longest-running delivery has been running; zero when none runs. */
    Duration oldest() {
        long now = nanoTime.getAsLong();
        return Duration.ofNanos(
                started.values().stream().mapToLong(at -> now - at).max().orElse(0));
    }

    /** Deliveries that have been running for longer than {@code bound}. */
    int runningLongerThan(Duration bound) {
        long now = nanoTime.getAsLong();
        return (int) started.values().stream()
                .filter(at -> now - at > bound.toNanos())
                .count();
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
