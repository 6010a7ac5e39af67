package io.notifyhub.worker.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GroupedCallsTests {

    @Test
    void shouldGroupTheItemsThatArriveDuringACallIntoTheNextOnesUpToTheBatchSize() throws Exception {
        CountDownLatch firstCallRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<List<Integer>> calls = new CopyOnWriteArrayList<>();
        try (var grouped = new GroupedCalls<Integer, String>("test", 4, 1, items -> {
                    calls.add(items);
                    firstCallRunning.countDown();
                    block(release);
                    return items.stream().map(i -> "answer-" + i).toList();
                });
                ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> first = callers.submit(() -> grouped.call(0));
            firstCallRunning.await();
            List<Future<String>> waiting = IntStream.rangeClosed(1, 6)
                    .mapToObj(i -> callers.submit(() -> grouped.call(i)))
                    .toList();
            await().atMost(Duration.ofSeconds(5)).until(() -> grouped.waiting() == 6);
            release.countDown();

            assertThat(first.get()).isEqualTo("answer-0");
            for (int i = 0; i < waiting.size(); i++) {
                assertThat(waiting.get(i).get()).isEqualTo("answer-" + (i + 1));
            }
        }
        assertThat(calls).hasSize(3);
        assertThat(calls.get(0)).containsExactly(0);
        assertThat(calls.get(1)).hasSize(4);
        assertThat(calls.get(2)).hasSize(2);
        assertThat(calls.stream().flatMap(List::stream)).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6);
    }

    @Test
    void shouldFailOnlyTheItemsOfTheCallThatThrew() {
        try (var grouped = new GroupedCalls<Integer, Integer>("test", 8, 1, items -> {
            if (items.contains(13)) {
                throw new IllegalStateException("store said no");
            }
            return items;
        })) {
            assertThatThrownBy(() -> grouped.call(13))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("store said no");
            assertThat(grouped.call(7)).isEqualTo(7);
        }
    }

    private static void block(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
