package io.notifyhub.api.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param maxInFlight      job submissions one API process handles at once, shared fairly between clients (a
 *                         slot is taken once the body has arrived); more are answered {@code 503} with
 *                         {@code Retry-After} at once instead of queueing up until memory runs out
 * @param maxBodySize      the largest body of a request for one job ({@code 413} past it)
 * @param maxBatchBodySize the largest body of a batch request
 * @param maxBodyBytesPerClient the bodies of one client's requests open at once on one API process (arriving or being
 *                         handled), each at its declared length ({@code 429} past it): what a client sending slowly
 *                         may hold of memory and connections
 * @param bodyTimeout      the longest a request body may take to arrive ({@code 408} after it)
 */
@ConfigurationProperties("notifyhub.api")
public record ApiProperties(
        @DefaultValue("256") int maxInFlight,
        @DefaultValue("64KB") DataSize maxBodySize,
        @DefaultValue("5MB") DataSize maxBatchBodySize,
        @DefaultValue("32MB") DataSize maxBodyBytesPerClient,
        @DefaultValue("10s") java.time.Duration bodyTimeout) {}
