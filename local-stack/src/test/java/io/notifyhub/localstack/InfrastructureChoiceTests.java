package io.notifyhub.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.notifyhub.localstack.InfrastructureChoice.DockerProbe;
import io.notifyhub.localstack.InfrastructureChoice.Source;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InfrastructureChoiceTests {

    @Test
    void shouldTakeTheEnvironmentWithoutAskingDocker() {
        InfrastructureChoice choice = InfrastructureChoice.decide(
                "MONGODB_URI", "mongodb://db:27017", () -> fail("Docker must not be asked"));

        assertThat(choice.source()).isEqualTo(Source.ENVIRONMENT);
        assertThat(choice.reason()).isEqualTo("MONGODB_URI is set");
    }

    @Test
    void shouldTakeContainersWhenDockerAnswers() {
        AtomicInteger asked = new AtomicInteger();
        InfrastructureChoice choice = InfrastructureChoice.decide("RABBITMQ_ADDRESSES", "  ", () -> {
            asked.incrementAndGet();
            return new DockerProbe(true, "a Docker engine answered");
        });

        assertThat(choice.source()).isEqualTo(Source.TESTCONTAINERS);
        assertThat(choice.reason()).isEqualTo("RABBITMQ_ADDRESSES is not set; a Docker engine answered");
        assertThat(asked).hasValue(1);
    }

    @Test
    void shouldFallBackAndSayWhyWithoutDocker() {
        InfrastructureChoice choice = InfrastructureChoice.decide(
                "MONGODB_URI", null, () -> new DockerProbe(false, "no Docker engine answered"));

        assertThat(choice.source()).isEqualTo(Source.LOCAL_FALLBACK);
        assertThat(choice.reason()).isEqualTo("MONGODB_URI is not set; no Docker engine answered");
    }

    @Test
    void shouldProbeTheRealDockerOnceAndAgreeWithIt() {
        DockerProbe probe = Containers.probe();

        assertThat(Containers.probe()).isSameAs(probe);
        // in this module Testcontainers is on the test classpath: the probe asked a Docker engine
        assertThat(probe.detail()).doesNotContain("not on the classpath");
        InfrastructureChoice choice = InfrastructureChoice.decide("MONGODB_URI", null, Containers::probe);
        assertThat(choice.source()).isEqualTo(probe.available() ? Source.TESTCONTAINERS : Source.LOCAL_FALLBACK);
        assertThat(choice.reason()).endsWith(probe.detail());
    }
}
