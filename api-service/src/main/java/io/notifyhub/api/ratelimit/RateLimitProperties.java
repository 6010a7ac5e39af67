package io.notifyhub.api.ratelimit;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The submission limit of each client, shared by all API replicas: a token bucket refilled with {@code jobs}
 * tokens every {@code period}, holding at most {@code burst} (a batch takes one token per job).
 *
 * @param enabled   whether submissions are limited at all
 * @param jobs      jobs a client may submit per {@code period}, sustained
 * @param period    the period of {@code jobs}
 * @param burst     the most a client may submit at once after being idle
 * @param syncEvery how much of the limit a replica leases from the shared bucket at a time: the jobs of this long
 *                  (at least one); a request takes a token from its replica's lease without a store round trip
 */
@ConfigurationProperties("notifyhub.api.rate-limit")
public record RateLimitProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1000") long jobs,
        @DefaultValue("1s") Duration period,
        @DefaultValue("5000") long burst,
        @DefaultValue("100ms") Duration syncEvery) {}
