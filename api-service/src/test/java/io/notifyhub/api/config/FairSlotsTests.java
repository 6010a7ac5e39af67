package io.notifyhub.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Slots shared fairly between clients: a client at its share is refused when they run out; one under it waits. */
class FairSlotsTests {

    private static final Duration NO_WAIT = Duration.ZERO;

    @Test
    void shouldLetOneClientUseEverySlotWhileNobodyElseWantsOne() throws Exception {
        FairSlots slots = new FairSlots(4);
        for (int i = 0; i < 4; i++) {
            assertThat(slots.acquire("busy", NO_WAIT)).isTrue();
        }
        assertThat(slots.acquire("busy", NO_WAIT)).as("a fifth, none free").isFalse();
        assertThat(slots.inUse()).isEqualTo(4);
        assertThat(slots.held("busy")).isEqualTo(4);
    }

    @Test
    void shouldGiveAFreedSlotToAClientUnderItsShareAheadOfTheOneHoldingThemAll() throws Exception {
        FairSlots slots = new FairSlots(4);
        for (int i = 0; i < 4; i++) {
            slots.acquire("flood", NO_WAIT);
        }
        CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(() -> {
            try {
                return slots.acquire("other", Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> slots.held("other") == 1);

        assertThat(slots.acquire("flood", Duration.ofSeconds(1)))
                .as("the flooding client, over its share of 2")
                .isFalse();
        slots.release("flood");

        assertThat(other.get(5, TimeUnit.SECONDS))
                .as("the other client got the freed slot")
                .isTrue();
        assertThat(slots.held("flood")).isEqualTo(3);
        assertThat(slots.held("other")).isEqualTo(1);
        assertThat(slots.acquire("flood", NO_WAIT))
                .as("none free, and flood is over its share")
                .isFalse();
    }

    @Test
    void shouldForgetAClientOnceItHoldsNothing() throws Exception {
        FairSlots slots = new FairSlots(2);
        slots.acquire("a", NO_WAIT);
        slots.release("a");
        assertThat(slots.held("a")).isZero();
        assertThat(slots.inUse()).isZero();
        assertThat(slots.acquire("b", NO_WAIT) && slots.acquire("b", NO_WAIT))
                .as("b alone takes both")
                .isTrue();
    }
}
