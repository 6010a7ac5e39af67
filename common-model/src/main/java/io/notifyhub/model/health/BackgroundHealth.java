package io.notifyhub.model.health;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * A health check that runs on a thread of its own every {@code every}, so that asking for health only reads the
 * latest result and answers at once. Checking the store or the broker on the request's thread made a worker's
 * {@code /actuator/health} take over a second whenever a busy store or broker was slow to answer a ping (issue
 * #17), and a probe that waits is a probe that times out. The result says when it was taken and how long the
 * check took; it is down before the first check has ended, and once no check has ended for {@code staleAfter}
 * (a check stuck on a hung server is as bad as one that failed).
 */
public final class BackgroundHealth implements HealthIndicator, AutoCloseable {

    private final HealthIndicator check;
    private final Duration staleAfter;
    private final ScheduledExecutorService thread;
    private volatile Checked last;

    private record Checked(Health health, long endedNanos, long tookNanos) {}

    /**
     * @param name  of the thread that checks
     * @param check a check bounded by timeouts of its own
     */
    public BackgroundHealth(String name, HealthIndicator check, Duration every, Duration staleAfter) {
        this.check = check;
        this.staleAfter = staleAfter;
        this.thread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name(name).daemon(true).factory());
        this.thread.scheduleWithFixedDelay(this::checkNow, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void checkNow() {
        long started = System.nanoTime();
        Health health;
        try {
            health = check.health();
        } catch (RuntimeException e) {
            health = Health.down(e).build();
        }
        long ended = System.nanoTime();
        last = new Checked(health, ended, ended - started);
    }

    @Override
    public Health health() {
        Checked checked = last;
        if (checked == null) {
            return Health.down().withDetail("checked", "not yet").build();
        }
        long age = System.nanoTime() - checked.endedNanos();
        Health.Builder builder = age > staleAfter.toNanos()
                ? Health.down()
                        .withDetail(
                                "error",
                                "no check has ended for "
                                        + Duration.ofNanos(age).toSeconds() + " s")
                : Health.status(checked.health().getStatus())
                        .withDetails(checked.health().getDetails());
        return builder.withDetail("checkedSecondsAgo", Math.round(age / 1e8) / 10.0)
                .withDetail("checkTookMillis", checked.tookNanos() / 1_000_000)
                .build();
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
