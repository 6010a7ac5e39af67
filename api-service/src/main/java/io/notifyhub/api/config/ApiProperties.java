package io.notifyhub.api.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param maxInFlight      job submissions one API process handles at once; more are answered {@code 503} with
 *                         {@code Retry-After} at once instead of queueing up until memory runs out
 * @param maxBodySize      the largest body of a request for one job ({@code 413} past it)
 * @param maxBatchBodySize the largest body of a batch request
 */
@ConfigurationProperties("notifyhub.api")
public record ApiProperties(@DefaultValue("256") int maxInFlight, @DefaultValue("64KB") DataSize maxBodySize,
        @DefaultValue("5MB") DataSize maxBatchBodySize) {
}
