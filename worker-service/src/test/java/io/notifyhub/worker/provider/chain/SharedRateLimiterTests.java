package io.notifyhub.worker.provider.chain;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.notifyhub.localstack.TestInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * The shared bucket against the MongoDB-wire server over TCP. Two limiters on two clients stand for two
 * worker replicas.
 */
class SharedRateLimiterTests {

    private final List<MongoClient> clients = new ArrayList<>();
    private SharedRateLimiter replicaA;
    private SharedRateLimiter replicaB;
    private String key;

    @BeforeEach
    void twoReplicas() {
        replicaA = new SharedRateLimiter(template());
        replicaB = new SharedRateLimiter(template());
        key = "test:" + System.nanoTime();
    }

    @AfterEach
    void close() {
        clients.forEach(MongoClient::close);
    }

    @Test
    void shouldGrantABurstOfPermitsThenSayHowLongToWait() {
        ResilienceProperties.Limit limit = new ResilienceProperties.Limit(3, Duration.ofHours(1));

        for (int i = 0; i < 3; i++) {
            assertThat(replicaA.tryAcquire(key, limit)).isZero();
        }
        Duration wait = replicaA.tryAcquire(key, limit);

        // one permit comes back every 20 minutes
        assertThat(wait).isBetween(Duration.ofMinutes(19), Duration.ofMinutes(20));
    }

    @Test
    void shouldShareTheBucketBetweenReplicas() {
        ResilienceProperties.Limit limit = new ResilienceProperties.Limit(2, Duration.ofHours(1));

        assertThat(replicaA.tryAcquire(key, limit)).isZero();
        assertThat(replicaB.tryAcquire(key, limit)).isZero();

        assertThat(replicaA.tryAcquire(key, limit)).isPositive();
        assertThat(replicaB.tryAcquire(key, limit)).isPositive();
    }

    @Test
    void shouldNeverGrantMorePermitsThanTheLimitUnderContention() throws Exception {
        ResilienceProperties.Limit limit = new ResilienceProperties.Limit(25, Duration.ofHours(1));
        AtomicInteger granted = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 80; i++) {
                SharedRateLimiter replica = i % 2 == 0 ? replicaA : replicaB;
                done.add(threads.submit(() -> {
                    if (replica.tryAcquire(key, limit).isZero()) {
                        granted.incrementAndGet();
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        }

        // a contended try may give up early (and say "wait"); what it left is still there afterwards
        int later = 0;
        while (replicaA.tryAcquire(key, limit).isZero()) {
            later++;
        }
        assertThat(granted.get()).isLessThanOrEqualTo(25);
        assertThat(granted.get() + later).as("permits granted in all").isEqualTo(25);
    }

    @Test
    void shouldRefillAtTheConfiguredRate() throws InterruptedException {
        ResilienceProperties.Limit limit = new ResilienceProperties.Limit(2, Duration.ofSeconds(2));
        assertThat(replicaA.tryAcquire(key, limit)).isZero();
        assertThat(replicaA.tryAcquire(key, limit)).isZero();
        Duration wait = replicaB.tryAcquire(key, limit);
        assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(replicaB.tryAcquire(key, limit)).as("still empty").isPositive();

        Thread.sleep(replicaB.tryAcquire(key, limit).toMillis() + 50);

        assertThat(replicaB.tryAcquire(key, limit)).isZero();
    }

    private MongoTemplate template() {
        MongoClient client = MongoClients.create(TestInfrastructure.mongoUri());
        clients.add(client);
        return new MongoTemplate(client, "notifyhub");
    }
}
