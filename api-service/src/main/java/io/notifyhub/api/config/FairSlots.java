package io.notifyhub.api.config;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Slots for work that is ready to run (a submission whose body has arrived), shared fairly between clients.
 * While a slot is free, anyone takes it. When all are taken, a client holding fewer than its share (the slots
 * divided by the clients holding or waiting for one) waits in line for the next free slot, up to a bound; a
 * client at or over its share is refused at once. So a client that floods the API is refused beyond its share
 * and the others still get theirs: it slows itself, not them.
 */
final class FairSlots {

    private final int capacity;
    /** first in, first out among those that wait */
    private final Semaphore slots;
    /** slots held and waited for, by client */
    private final Map<String, Integer> present = new ConcurrentHashMap<>();

    FairSlots(int capacity) {
        this.capacity = capacity;
        this.slots = new Semaphore(capacity, true);
    }

    /**
     * Takes a slot for the client; give it back with {@link #release}.
     *
     * @return false when none could be had: none free, and the client at its share or none freed within {@code wait}
     */
    boolean acquire(String client, Duration wait) throws InterruptedException {
        int before = arrive(client);
        boolean granted = false;
        try {
            // with a zero timeout, a fair semaphore still serves those in line first
            if (slots.tryAcquire(0, TimeUnit.NANOSECONDS)) {
                granted = true;
            } else if (before < share()) {
                granted = slots.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
            }
            return granted;
        } finally {
            if (!granted) {
                leave(client);
            }
        }
    }

    void release(String client) {
        slots.release();
        leave(client);
    }

    /** Slots in use now. */
    int inUse() {
        return capacity - slots.availablePermits();
    }

    /** Slots held or waited for by one client. */
    int held(String client) {
        return present.getOrDefault(client, 0);
    }

    private int share() {
        return Math.max(1, Math.ceilDiv(capacity, Math.max(1, present.size())));
    }

    /** @return what the client held or waited for before */
    private int arrive(String client) {
        int[] before = new int[1];
        present.compute(client, (key, count) -> {
            before[0] = count == null ? 0 : count;
            return before[0] + 1;
        });
        return before[0];
    }

    private void leave(String client) {
        present.computeIfPresent(client, (key, count) -> count == 1 ? null : count - 1);
    }
}
