package io.notifyhub.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import com.mongodb.client.result.UpdateResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.notifyhub.api.job.JobApiTests;
import io.notifyhub.api.support.ApiClient;
import io.notifyhub.api.support.ApiIntegrationTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.UpdateDefinition;
import org.springframework.test.context.TestPropertySource;

/** Per-client submission limits: 429 with its headers, nothing stored past the limit, shared by replicas. */
@TestPropertySource(
        properties = {
            "notifyhub.api.rate-limit.jobs=1",
            "notifyhub.api.rate-limit.period=60s",
            "notifyhub.api.rate-limit.burst=5",
            "notifyhub.api.rate-limit.sync-every=1ms"
        })
class RateLimitTests extends ApiIntegrationTest {

    @Test
    void shouldAnswer429WithRetryAfterAndRateLimitHeadersPastTheLimit() {
        ApiClient test = new ApiClient(port);
        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> refused = null;
        for (int i = 0; i < 8; i++) {
            HttpResponse<String> response = test.postJson(JobApiTests.WELCOME_EMAIL);
            statuses.add(response.statusCode());
            if (response.statusCode() == 429 && refused == null) {
                refused = response;
            }
        }

        assertThat(statuses.stream().filter(s -> s == 201).count())
                .as("%s", statuses)
                .isEqualTo(5);
        assertThat(refused).as("%s", statuses).isNotNull();
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow()))
                .isBetween(1L, 60L);
        assertThat(refused.headers().firstValue("RateLimit-Policy")).hasValue("\"submissions\";q=1;w=60");
        assertThat(refused.headers().firstValue("RateLimit"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("\"submissions\";r=0;t="));
        assertThat(JsonPath.<String>read(refused.body(), "$.title")).isEqualTo("Rate limit exceeded");
        assertThat(storedJobs())
                .isEqualTo(statuses.stream().filter(s -> s == 201).count());

        // another client has its own bucket
        assertThat(test.as(ApiClient.OTHER_KEY)
                        .postJson(JobApiTests.WELCOME_EMAIL)
                        .statusCode())
                .isEqualTo(201);
    }

    @Test
    void shouldHoldTheLimitAcrossReplicas() {
        RateLimitProperties properties =
                new RateLimitProperties(true, 1, Duration.ofMinutes(1), 5, Duration.ofMillis(1));
        SubmissionLimits replicaA = new SubmissionLimits(properties, mongo, new SimpleMeterRegistry());
        SubmissionLimits replicaB = new SubmissionLimits(properties, mongo, new SimpleMeterRegistry());
        int taken = 0;
        for (int i = 0; i < 10; i++) {
            for (SubmissionLimits replica : List.of(replicaA, replicaB)) {
                try {
                    replica.take("shared-client", 1);
                    taken++;
                } catch (RateLimitedException limited) {
                    // over the shared limit
                }
            }
        }
        // the five of the burst, once; two separate buckets would give ten
        assertThat(taken).isEqualTo(5);
    }

    /**
     * A request takes a token from its replica's lease, not from the store: 1,000 submissions at a limit of
     * 1,000/s lease 100 tokens at a time (100 ms of it), so the shared bucket is read and written about ten
     * times, not a thousand.
     */
    @Test
    void shouldTakeTokensFromTheReplicasLeaseWithoutAStoreRoundTripPerRequest() {
        AtomicInteger storeCalls = new AtomicInteger();
        MongoTemplate counting = new MongoTemplate(mongo.getMongoDatabaseFactory()) {
            @Override
            public <T> T findOne(Query query, Class<T> entityClass, String collectionName) {
                storeCalls.incrementAndGet();
                return super.findOne(query, entityClass, collectionName);
            }

            @Override
            public UpdateResult updateFirst(Query query, UpdateDefinition update, String collectionName) {
                storeCalls.incrementAndGet();
                return super.updateFirst(query, update, collectionName);
            }
        };
        SubmissionLimits limits = new SubmissionLimits(
                new RateLimitProperties(true, 1000, Duration.ofSeconds(1), 5000, Duration.ofMillis(100)),
                counting,
                new SimpleMeterRegistry());
        try {
            for (int i = 0; i < 1000; i++) {
                limits.take("busy-client", 1);
            }
            assertThat(storeCalls.get())
                    .as("store reads and writes for 1,000 submissions")
                    .isBetween(2, 40);
        } finally {
            limits.close();
        }
    }

    /** A replica's lease unused for two seconds goes back to the shared bucket, where other replicas find it. */
    @Test
    void shouldGiveAnIdleLeaseBack() throws InterruptedException {
        RateLimitProperties properties =
                new RateLimitProperties(true, 10, Duration.ofMinutes(1), 10, Duration.ofSeconds(30));
        SubmissionLimits replicaA = new SubmissionLimits(properties, mongo, new SimpleMeterRegistry());
        SubmissionLimits replicaB = new SubmissionLimits(properties, mongo, new SimpleMeterRegistry());
        try {
            replicaA.take("idle-client", 1); // leases 5 (30 s of 10 a minute), uses 1
            Thread.sleep(3_500); // idle for two seconds, looked at every second

            int taken = 0;
            for (int i = 0; i < 10; i++) {
                try {
                    replicaB.take("idle-client", 1);
                    taken++;
                } catch (RateLimitedException limited) {
                    // over the shared limit
                }
            }
            assertThat(taken)
                    .as("what replica B could take: the 5 left and the 4 replica A gave back")
                    .isEqualTo(9);
        } finally {
            replicaA.close();
            replicaB.close();
        }
    }
}
