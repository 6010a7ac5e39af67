package io.notifyhub.model.store;

import org.slf4j.Logger;

/** How every service creates its indexes at start-up: once the store answers, and never failing the start. */
public final class IndexCreation {

    private IndexCreation() {}

    /**
     * Creates indexes, or logs that they are created on the next start: a store that is down at start-up does not
     * stop the service (a service that exited here was restarted into the same outage).
     *
     * @param what which indexes, for the log
     */
    public static void createOrLater(Logger log, String what, Runnable create) {
        try {
            create.run();
        } catch (RuntimeException e) {
            log.warn("Could not create the {} now ({}); they are created on the next start", what, e.getMessage());
        }
    }
}
