package io.notifyhub.worker.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * One store call for the items of many deliveries (group commit): each delivery hands in its item and waits,
 * and a writer takes every item waiting, up to {@code maxBatch}, into one call. Under light load an item goes
 * alone and at once; as the store slows, the items arriving during a call wait for the next one and batches
 * grow, so a worker's round trips do not grow with its deliveries. With one writer, at most {@code maxBatch}
 * items are in the store's hands at once.
 *
 * @param <T> what a delivery hands in
 * @param <R> what it gets back
 */
final class GroupedCalls<T, R> implements AutoCloseable {

    private final BlockingQueue<Pending<T, R>> waiting = new LinkedBlockingQueue<>();
    private final int maxBatch;
    private final Function<List<T>, List<R>> call;
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean closed;

    /**
     * @param call answers the items of one batch, in their order; what it throws, every item of the batch throws
     */
    GroupedCalls(String name, int maxBatch, int writers, Function<List<T>, List<R>> call) {
        if (maxBatch < 1 || writers < 1) {
            throw new IllegalArgumentException("maxBatch and writers must be at least 1");
        }
        this.maxBatch = maxBatch;
        this.call = call;
        for (int i = 0; i < writers; i++) {
            this.writers.add(
                    Thread.ofPlatform().name(name + "-" + i).daemon(true).start(this::write));
        }
    }

    /**
     * Waits for the call that takes {@code item}.
     *
     * @throws RuntimeException what the call threw for the item's batch
     */
    R call(T item) {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        Pending<T, R> pending = new Pending<>(item, new CompletableFuture<>());
        waiting.add(pending);
        try {
            return pending.result.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** Items waiting for a call. */
    int waiting() {
        return waiting.size();
    }

    private void write() {
        List<Pending<T, R>> batch = new ArrayList<>(maxBatch);
        while (!closed) {
            try {
                batch.add(waiting.take());
            } catch (InterruptedException e) {
                break;
            }
            waiting.drainTo(batch, maxBatch - 1);
            try {
                List<R> results = call.apply(batch.stream().map(Pending::item).toList());
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).result.complete(results.get(i));
                }
            } catch (RuntimeException | Error e) {
                batch.forEach(pending -> pending.result.completeExceptionally(e));
            }
            batch.clear();
        }
    }

    /** Stops the writers; items still waiting fail. Call once no delivery runs any more. */
    @Override
    public void close() {
        closed = true;
        writers.forEach(Thread::interrupt);
        for (Pending<T, R> pending; (pending = waiting.poll()) != null; ) {
            pending.result.completeExceptionally(new IllegalStateException("closed"));
        }
    }

    private record Pending<T, R>(T item, CompletableFuture<R> result) {}
}
