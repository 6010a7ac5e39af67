package io.notifyhub.model.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long finished jobs are kept. The API and the workers must agree: whichever writes a job's final status
 * sets when it is removed ({@code expiresAt}, a TTL index).
 *
 * @param jobs how long a job is kept once sent, failed or cancelled, unless its client has a retention of its own
 */
@ConfigurationProperties("notifyhub.retention")
public record RetentionProperties(@DefaultValue("30d") Duration jobs) {

    public RetentionProperties {
        if (jobs.isNegative() || jobs.isZero()) {
            throw new IllegalArgumentException("notifyhub.retention.jobs must be positive");
        }
    }
}
