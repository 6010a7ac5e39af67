package io.notifyhub.model.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.notifyhub.localstack.InfrastructureChoice;
import io.notifyhub.localstack.InfrastructureChoice.Source;
import io.notifyhub.localstack.TestInfrastructure;
import org.junit.jupiter.api.Test;

/**
 * The Docker path is live in a module that uses {@link TestInfrastructure}: Testcontainers is on its test classpath,
 * so without MONGODB_URI the choice follows what a Docker engine answered, and says so. (Here, with no Docker engine,
 * that is the embedded store, "no Docker engine answered"; with Docker it is mongo:8.)
 */
class TestInfrastructureChoiceTests {

    @Test
    void shouldSeeTestcontainersAndChooseByWhatDockerAnswered() throws Exception {
        Class.forName("org.testcontainers.mongodb.MongoDBContainer");
        Class.forName("org.testcontainers.rabbitmq.RabbitMQContainer");

        InfrastructureChoice mongo = TestInfrastructure.mongoChoice();

        assertThat(mongo.reason()).doesNotContain("not on the classpath");
        if (System.getenv("MONGODB_URI") == null) {
            assertThat(mongo.source()).isIn(Source.TESTCONTAINERS, Source.LOCAL_FALLBACK);
            assertThat(mongo.reason())
                    .isEqualTo(
                            mongo.source() == Source.TESTCONTAINERS
                                    ? "MONGODB_URI is not set; a Docker engine answered"
                                    : "MONGODB_URI is not set; no Docker engine answered");
        } else {
            assertThat(mongo.source()).isEqualTo(Source.ENVIRONMENT);
        }
    }
}
