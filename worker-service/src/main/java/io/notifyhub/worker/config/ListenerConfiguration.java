package io.notifyhub.worker.config;

import io.notifyhub.model.topology.Topology;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ListenerConfiguration {

    /** The work queues this worker consumes, from {@code notifyhub.worker.channels}. */
    @Bean
    String[] workQueues(WorkerProperties properties) {
        return properties.channels().stream().map(Topology::workQueue).toArray(String[]::new);
    }
}
