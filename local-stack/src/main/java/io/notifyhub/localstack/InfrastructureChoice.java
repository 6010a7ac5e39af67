package io.notifyhub.localstack;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where one server of the tests comes from, and why: the environment names it, or a Docker engine answered and
 * Testcontainers starts it, or the local fallback serves it. The decision is separate from starting anything, so
 * it is tested without servers.
 */
public record InfrastructureChoice(Source source, String reason) {

    /** Where a server comes from. */
    public enum Source {
        ENVIRONMENT,
        TESTCONTAINERS,
        LOCAL_FALLBACK
    }

    /** What asking for a Docker engine found: whether one answered, and in words why or why not. */
    public record DockerProbe(boolean available, String detail) {}

    /**
     * @param variable the environment variable that would name the server
     * @param value its value, or null when unset
     * @param docker asked only when the environment names nothing
     */
    static InfrastructureChoice decide(String variable, String value, Supplier<DockerProbe> docker) {
        if (value != null && !value.isBlank()) {
            return new InfrastructureChoice(Source.ENVIRONMENT, variable + " is set");
        }
        DockerProbe probe = docker.get();
        return probe.available()
                ? new InfrastructureChoice(Source.TESTCONTAINERS, variable + " is not set; " + probe.detail())
                : new InfrastructureChoice(Source.LOCAL_FALLBACK, variable + " is not set; " + probe.detail());
    }

    static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isBlank());
    }
}
