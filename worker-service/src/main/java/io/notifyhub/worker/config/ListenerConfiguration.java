package io.notifyhub.worker.config;

import io.notifyhub.model.Priority;
import io.notifyhub.model.topology.Topology;
import org.springframework.amqp.rabbit.config.ContainerCustomizer;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ListenerConfiguration {

    /** The work queues this worker consumes, from {@code notifyhub.worker.channels}. */
    /** On shutdown, consumers stop at once and deliveries in flight get {@code shutdown-timeout} to finish. */
    @Bean
    ContainerCustomizer<SimpleMessageListenerContainer> gracefulShutdown(WorkerProperties properties) {
        return container ->
                container.setShutdownTimeout(properties.shutdownTimeout().toMillis());
    }

    @Bean
    String[] workQueues(WorkerProperties properties) {
        return properties.channels().stream().map(Topology::workQueue).toArray(String[]::new);
    }

    /** The high-priority queues of the same channels, consumed by a listener container of their own. */
    @Bean
    String[] priorityQueues(WorkerProperties properties) {
        return properties.channels().stream()
                .map(channel -> Topology.workQueue(channel, Priority.HIGH))
                .toArray(String[]::new);
    }

    @Bean
    String priorityConcurrency(WorkerProperties properties) {
        return String.valueOf(properties.priorityConcurrency());
    }
}
