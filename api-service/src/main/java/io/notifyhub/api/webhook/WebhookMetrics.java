package io.notifyhub.api.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** {@code notifyhub.webhooks{outcome=delivered|retried|failed}}: POSTs answered 2xx, to be tried again, given up. */
class WebhookMetrics {

    private final Counter delivered;
    private final Counter retried;
    private final Counter failed;

    WebhookMetrics(MeterRegistry registry) {
        this.delivered = counter(registry, "delivered");
        this.retried = counter(registry, "retried");
        this.failed = counter(registry, "failed");
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("notifyhub.webhooks")
                .description("Status webhook POSTs, by outcome")
                .tag("outcome", outcome)
                .register(registry);
    }

    void delivered() {
        delivered.increment();
    }

    void retried() {
        retried.increment();
    }

    void failed() {
        failed.increment();
    }
}
