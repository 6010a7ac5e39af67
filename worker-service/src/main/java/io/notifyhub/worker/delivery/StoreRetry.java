package io.notifyhub.worker.delivery;

import io.notifyhub.model.store.StoreFailures;
import io.notifyhub.worker.config.WorkerProperties;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Repeats a store call while the store is unreachable, so a worker holds its message (unacked) through an
 * outage instead of acking, failing, or burning the message's delivery count on requeues.
 */
@Component
class StoreRetry {

    private static final Logger log = LoggerFactory.getLogger(StoreRetry.class);

    private final Duration pause;
    private volatile boolean stopping;

    StoreRetry(WorkerProperties properties) {
        this.pause = properties.storeRetry();
    }

    /** Once the worker is shutting down, an unreachable store gives the message back instead of waiting. */
    @EventListener(ContextClosedEvent.class)
    void stopping() {
        stopping = true;
    }

    /**
     * @throws StoreUnavailableException when the worker stops (or the thread is interrupted) before the store
     *                                   answered
     */
    <T> T call(String what, Supplier<T> call) {
        for (int tries = 1; ; tries++) {
            try {
                return call.get();
            } catch (RuntimeException e) {
                if (!StoreFailures.isUnavailable(e)) {
                    throw e;
                }
                if (stopping) {
                    throw new StoreUnavailableException(what, e);
                }
                if (tries == 1 || tries % 30 == 0) {
                    log.warn("Store unreachable while trying to {} ({} tries): {}", what, tries, e.getMessage());
                }
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new StoreUnavailableException(what, e);
                }
            }
        }
    }

    /** The store did not come back before the worker stopped; the message goes back to the queue. */
    static final class StoreUnavailableException extends RuntimeException {
        StoreUnavailableException(String what, Throwable cause) {
            super("store unavailable, could not " + what, cause);
        }
    }
}
