package io.notifyhub.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WebhookPropertiesTests {

    private static WebhookProperties with(Duration connect, Duration read, Duration lease) {
        return new WebhookProperties(
                true,
                false,
                Duration.ofSeconds(1),
                Duration.ofHours(24),
                Duration.ofSeconds(1),
                100,
                32,
                connect,
                read,
                lease,
                10,
                Duration.ofSeconds(5),
                Duration.ofMinutes(15));
    }

    @Test
    void shouldDoubleTheBackoffAfterEachFailureUpToTheCap() {
        WebhookProperties properties = with(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofMinutes(1));

        assertThat(IntStream.rangeClosed(1, 10)
                        .mapToObj(properties::backoffAfter)
                        .map(Duration::toSeconds))
                .containsExactly(5L, 10L, 20L, 40L, 80L, 160L, 320L, 640L, 900L, 900L);
        assertThat(properties.backoffAfter(1_000)).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void shouldRefuseALeaseShorterThanAPost() {
        assertThatThrownBy(() -> with(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(7)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease");
    }
}
