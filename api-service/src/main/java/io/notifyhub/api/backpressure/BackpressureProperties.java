package io.notifyhub.api.backpressure;

import io.notifyhub.model.Channel;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * When a channel's backlog (ready messages in its work queues, normal and high) passes its bound, submissions
 * for that channel are refused ({@code 503} with {@code Retry-After}) rather than growing the queue without limit.
 *
 * @param enabled           backpressure on or off
 * @param maxBacklog        the bound of every channel without one of its own
 * @param channels          the bounds of single channels, by name ({@code channels.email=...}), over {@code maxBacklog}
 * @param checkEvery        how often each API replica reads the queue depths (in the background; a submission
 *                          only reads the latest result)
 * @param retryAfter        what {@code Retry-After} says when a submission is refused
 */
@ConfigurationProperties("notifyhub.api.backpressure")
public record BackpressureProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("500000") long maxBacklog,
        Map<String, Long> channels,
        @DefaultValue("1s") Duration checkEvery,
        @DefaultValue("5s") Duration retryAfter) {

    public BackpressureProperties {
        channels = channels == null ? Map.of() : Map.copyOf(channels);
        channels.forEach((channel, bound) -> {
            if (Channel.find(channel).isEmpty()) {
                throw new IllegalArgumentException(
                        "notifyhub.api.backpressure.channels: unknown channel '" + channel + "' (email, sms or push)");
            }
            if (bound < 1) {
                throw new IllegalArgumentException(
                        "notifyhub.api.backpressure.channels." + channel + " must be at least 1");
            }
        });
        if (maxBacklog < 1) {
            throw new IllegalArgumentException("notifyhub.api.backpressure.max-backlog must be at least 1");
        }
        if (checkEvery.isNegative() || checkEvery.isZero() || retryAfter.toSeconds() < 1) {
            throw new IllegalArgumentException(
                    "notifyhub.api.backpressure: check-every must be positive and " + "retry-after at least 1s");
        }
    }

    /** Each channel's bound. */
    Map<Channel, Long> bounds() {
        Map<Channel, Long> bounds = new EnumMap<>(Channel.class);
        for (Channel channel : Channel.values()) {
            bounds.put(channel, channels.getOrDefault(channel.value(), maxBacklog));
        }
        return bounds;
    }
}
