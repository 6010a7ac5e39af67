package io.notifyhub.worker.provider.http;

import io.notifyhub.worker.provider.DeliveryResult;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** What the HTTP providers share: the retryable cases of HTTP itself, and reading {@code Retry-After}. */
public final class HttpOutcomes {

    private HttpOutcomes() {}

    /** 429 (with its {@code Retry-After}), 408 and 5xx are worth another attempt; other statuses are not. */
    public static Optional<DeliveryResult> retryable(String provider, HttpAnswer response, String detail, Clock clock) {
        int status = response.status();
        if (status == 429) {
            return Optional.of(new DeliveryResult.Retryable(
                    provider + " throttled us (429): " + detail, retryAfter(response, clock)));
        }
        if (status == 408 || status >= 500) {
            return Optional.of(new DeliveryResult.Retryable(
                    provider + " answered " + status + ": " + detail,
                    status == 503 ? retryAfter(response, clock) : null));
        }
        return Optional.empty();
    }

    /** A request that got no answer: timeouts and connection failures are retryable. */
    public static DeliveryResult unanswered(String provider, IOException e) {
        String what = e instanceof HttpTimeoutException ? "timed out" : "unreachable";
        return new DeliveryResult.Retryable(provider + " " + what + ": " + e);
    }

    /** {@code Retry-After} in seconds or as an HTTP date; null when absent or unreadable. */
    public static Duration retryAfter(HttpAnswer response, Clock clock) {
        String value = response.header("Retry-After").orElse(null);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip())));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(clock.instant(), at.toInstant());
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }
}
