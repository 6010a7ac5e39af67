package io.notifyhub.model;

import static io.notifyhub.model.JobStatus.CANCELLED;
import static io.notifyhub.model.JobStatus.FAILED;
import static io.notifyhub.model.JobStatus.PROCESSING;
import static io.notifyhub.model.JobStatus.QUEUED;
import static io.notifyhub.model.JobStatus.SCHEDULED;
import static io.notifyhub.model.JobStatus.SENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every pair of statuses, one by one, against the table written out here by hand. */
class JobStatusTransitionsTests {

    private static final Set<String> ALLOWED = Set.of(
            "scheduled->queued",
            "scheduled->cancelled",
            "queued->processing",
            "queued->failed",
            "queued->cancelled",
            "processing->sent",
            "processing->queued",
            "processing->failed",
            "processing->processing",
            "failed->queued");

    static Stream<Arguments> everyPair() {
        return Arrays.stream(JobStatus.values())
                .flatMap(from -> Arrays.stream(JobStatus.values()).map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void shouldAllowExactlyTheTransitionsOfTheLifecycle(JobStatus from, JobStatus to) {
        boolean expected = ALLOWED.contains(from.value() + "->" + to.value());

        assertThat(JobStatusTransitions.isAllowed(from, to)).isEqualTo(expected);
        if (expected) {
            assertThatCode(() -> JobStatusTransitions.check(from, to)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> JobStatusTransitions.check(from, to))
                    .isInstanceOf(JobStatusTransitions.IllegalTransitionException.class)
                    .hasMessageContaining(from + " -> " + to);
        }
    }

    @Test
    void shouldTreatSentFailedAndCancelledAsTerminal() {
        assertThat(Arrays.stream(JobStatus.values()).filter(JobStatus::isTerminal))
                .containsExactlyInAnyOrder(SENT, FAILED, CANCELLED);
    }

    @Test
    void shouldListTheSourcesOfATransition() {
        assertThat(JobStatusTransitions.sourcesOf(PROCESSING)).containsExactlyInAnyOrder(QUEUED, PROCESSING);
        assertThat(JobStatusTransitions.sourcesOf(QUEUED)).containsExactlyInAnyOrder(SCHEDULED, PROCESSING, FAILED);
        assertThat(JobStatusTransitions.sourcesOf(SCHEDULED)).isEmpty();
    }

    @Test
    void shouldUseLowercaseWireNames() {
        assertThat(Arrays.stream(JobStatus.values()).map(JobStatus::value))
                .containsExactly("scheduled", "queued", "processing", "sent", "failed", "cancelled");
        assertThat(JobStatus.of("sent")).isEqualTo(SENT);
    }
}
