package io.notifyhub.api.messaging;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import io.notifyhub.model.messaging.JobPublisher;
import io.notifyhub.model.store.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;

/**
 * Publishes the messages of concurrent requests together: each request queues its message and waits; a few
 * sender threads take whatever is queued (up to {@code maxBatch}), send it all on one channel, wait for the
 * confirms once, and mark the confirmed jobs published in one store update. Per message that is a share of one
 * broker round trip and one store write, instead of one of each, and a handful of channels instead of one per
 * request in flight.
 *
 * <p>Requests do not wait for it: a job is answered once stored, and a message that is not confirmed leaves its
 * job unpublished for the reconciler, as does a broker the circuit breaker finds failing or slow.
 *
 * <p>Each message is sent in the trace context of the request that queued it, so traces still cross the broker.
 * When the queue is full or the publisher is stopping, a message is refused at once: its job stays unpublished
 * and the reconciler publishes it. On shutdown, what is queued is still sent.
 */
public class BatchingPublisher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BatchingPublisher.class);

    private final JobPublisher publisher;
    private final JobStore store;
    private final Clock clock;
    private final int maxBatch;
    private final BlockingQueue<Pending> queue;
    private final ContextSnapshotFactory snapshots =
            ContextSnapshotFactory.builder().build();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger waiting = new AtomicInteger();
    /** Per sender: when the first message of the batch it is sending was queued; {@link #IDLE} while none. */
    private final List<AtomicLong> batchSince;

    private static final long IDLE = Long.MAX_VALUE;
    private volatile boolean running;

    private final CircuitBreaker broker;

    public BatchingPublisher(
            JobPublisher publisher,
            JobStore store,
            Clock clock,
            CircuitBreaker broker,
            int senders,
            int maxBatch,
            int capacity) {
        this.publisher = publisher;
        this.broker = broker;
        this.store = store;
        this.clock = clock;
        this.maxBatch = maxBatch;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.batchSince =
                Stream.generate(() -> new AtomicLong(IDLE)).limit(senders).toList();
    }

    /** A message waiting to be sent, the trace context to send it in, when it was queued, and its outcome. */
    private record Pending(
            JobPublisher.Outgoing outgoing,
            ContextSnapshot context,
            long queuedAt,
            CompletableFuture<Boolean> confirmed) {}

    /**
     * Queues a message for the next batch.
     *
     * @return completes with {@code true} once the broker confirmed it and its job was marked published,
     *         {@code false} when it was not published (the job waits for the reconciler)
     */
    public CompletableFuture<Boolean> publish(JobPublisher.Outgoing outgoing) {
        Pending pending = new Pending(outgoing, snapshots.captureAll(), System.nanoTime(), new CompletableFuture<>());
        waiting.incrementAndGet();
        pending.confirmed().whenComplete((published, failure) -> waiting.decrementAndGet());
        if (!running || !queue.offer(pending)) {
            pending.confirmed().complete(false);
        }
        return pending.confirmed();
    }

    /** Messages queued or in a batch whose confirms are still to come. */
    public int waiting() {
        return waiting.get();
    }

    /**
     * How long the oldest message this publisher still holds (queued, or in a batch not yet confirmed and
     * marked) has been with it; zero when it holds none. Its job is unpublished meanwhile, and the reconciler
     * must not take it for one whose publish was lost.
     */
    public Duration backlog() {
        long now = System.nanoTime();
        long oldest = now;
        Pending head = queue.peek();
        if (head != null) {
            oldest = Math.min(oldest, head.queuedAt());
        }
        for (AtomicLong sending : batchSince) {
            oldest = Math.min(oldest, sending.get());
        }
        return Duration.ofNanos(now - oldest);
    }

    private void run(AtomicLong batchSince) {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batchSince.set(first.queuedAt());
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                // while the broker fails or is slow, batches are not even tried: their jobs stay unpublished and
                // the reconciler publishes them once it is back; a few probes later find out whether it is
                broker.executeRunnable(() -> publish(batch));
            } catch (CallNotPermittedException brokerFailing) {
                log.debug("Broker breaker open: {} jobs left to the reconciler", batch.size());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                log.warn("Publishing a batch of {} failed: {}", batch.size(), e.toString());
            } finally {
                batch.forEach(pending -> pending.confirmed().complete(false)); // no-op for those completed
                batch.clear();
                batchSince.set(IDLE);
            }
        }
    }

    /** Sends a batch and waits for its confirms; throws when any message was not published, for the breaker. */
    private void publish(List<Pending> batch) {
        List<JobPublisher.Sent> sent = new ArrayList<>(batch.size());
        for (Pending pending : batch) {
            try (ContextSnapshot.Scope scope = pending.context().setThreadLocals()) {
                sent.add(publisher.send(pending.outgoing()));
            } catch (JobPublisher.PublishException e) {
                log.warn("Stopped publishing after {} of {} messages: {}", sent.size(), batch.size(), e.getMessage());
                break; // the rest are not sent; they complete false in run()
            }
        }
        List<ObjectId> confirmedIds = new ArrayList<>(sent.size());
        List<Pending> confirmed = new ArrayList<>(sent.size());
        int refused = 0;
        for (int i = 0; i < sent.size(); i++) {
            try {
                publisher.awaitConfirm(sent.get(i));
                confirmedIds.add(new ObjectId(batch.get(i).outgoing().message().jobId()));
                confirmed.add(batch.get(i));
            } catch (JobPublisher.Refused e) {
                refused++;
            } catch (JobPublisher.PublishException e) {
                log.warn("{}", e.getMessage());
            }
        }
        if (refused > 0) {
            log.warn(
                    "The broker refused {} of {} messages (a work queue at its length limit?); their jobs stay "
                            + "unpublished for the reconciler",
                    refused,
                    batch.size());
        }
        if (!confirmedIds.isEmpty()) {
            try {
                store.markPublished(confirmedIds, clock.instant());
            } catch (DataAccessException e) {
                // published but not marked: the reconciler may publish them again, and workers take a job once
                log.warn("{} jobs are published but could not be marked so: {}", confirmedIds.size(), e.getMessage());
            }
        }
        confirmed.forEach(pending -> pending.confirmed().complete(true));
        // a refusal is the broker working as configured (a full queue), not failing: the breaker does not count
        // it, or one full channel would stop publishing for every channel
        if (confirmed.size() + refused < batch.size()) {
            throw new JobPublisher.PublishException(
                    (batch.size() - confirmed.size() - refused) + " of " + batch.size() + " messages not published");
        }
    }

    @Override
    public void start() {
        running = true;
        for (AtomicLong sending : batchSince) {
            Thread thread = Thread.ofPlatform()
                    .name("publisher-" + threads.size())
                    .daemon()
                    .start(() -> run(sending));
            threads.add(thread);
        }
    }

    /** Stops taking messages, and sends what is queued before the broker connection closes. */
    @Override
    public void stop() {
        running = false;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        threads.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * Starts before the web server takes requests, and stops after its graceful shutdown (lifecycles stop from
     * the highest phase down; the web server's are {@code DEFAULT_PHASE - 1024} and {@code - 2048}), so
     * requests still in flight get their messages sent; the broker connection closes after every lifecycle.
     */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
