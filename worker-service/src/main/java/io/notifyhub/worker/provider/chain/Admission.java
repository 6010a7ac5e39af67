package io.notifyhub.worker.provider.chain;

import java.time.Duration;

/** Whether a chain can take a job now, asked before the job is claimed so that waiting costs no attempt. */
public sealed interface Admission {

    /** The provider at {@code index} in the chain granted a call (its breaker permission and rate permit). */
    record Go(int index) implements Admission {}

    /**
     * Every provider is open or throttled, or the sender is over its limit: the job waits, untouched.
     *
     * @param delay how long until a permit is free, or null when unknown (an open breaker)
     */
    record Wait(Duration delay, Why why, String reason) implements Admission {}

    /** Why a job waits; the value is the metric tag. */
    enum Why {
        SENDER_LIMIT("sender_limit"),
        PROVIDERS_UNAVAILABLE("providers_unavailable");

        private final String tag;

        Why(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }
}
