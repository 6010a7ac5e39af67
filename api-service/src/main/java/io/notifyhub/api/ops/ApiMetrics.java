package io.notifyhub.api.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.notifyhub.model.Channel;
import org.springframework.stereotype.Component;

/** Counters of what the API accepted and refused. */
@Component
public class ApiMetrics {

    /** Why a submission was refused. */
    public enum Rejection {
        INVALID,
        STORE_UNAVAILABLE,
        OVERLOADED,
        IDEMPOTENCY_CONFLICT,
        RATE_LIMITED,
        TOO_LARGE,
        TOO_SLOW,
        BACKLOG;

        String tag() {
            return name().toLowerCase();
        }
    }

    private final MeterRegistry registry;

    ApiMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void accepted(Channel type) {
        Counter.builder("notifyhub.jobs.accepted")
                .description("Jobs stored and answered 201")
                .tag("type", type.value())
                .register(registry)
                .increment();
    }

    public void rejected(Rejection reason) {
        Counter.builder("notifyhub.jobs.rejected")
                .description("Submissions refused, by reason")
                .tag("reason", reason.tag())
                .register(registry)
                .increment();
    }
}
