package io.notifyhub.api.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import io.notifyhub.api.auth.Clients;
import io.notifyhub.model.store.JobStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.json.JsonMapper;

/** Status webhooks: the target check (used when a job is accepted) and, when enabled, the dispatcher's rounds. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WebhookProperties.class)
class WebhookConfiguration implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(WebhookConfiguration.class);

    private final WebhookProperties properties;
    private final WebhookDispatcher dispatcher;
    private final CallbackTargets targets;

    WebhookConfiguration(
            WebhookProperties properties,
            JobStore store,
            JsonMapper json,
            MeterRegistry meters,
            Clock clock,
            Clients clients,
            RestClient.Builder restClients,
            @Value("${NOTIFYHUB_WEBHOOK_SECRET:}") String secret) {
        this.properties = properties;
        if (properties.allowPrivateTargets()) {
            log.warn("notifyhub.webhooks.allow-private-targets is on: webhooks may go to internal addresses");
        }
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        // every client's own secrets (generated when first needed); the service's only for a job of no client
        WebhookSecrets secrets = clientId ->
                clientId != null ? clients.signingSecrets(clientId) : secret.isBlank() ? List.of() : List.of(key);
        this.targets = new CallbackTargets(properties.allowPrivateTargets(), properties.resolveTimeout());
        this.dispatcher = new WebhookDispatcher(
                store, properties, targets, secrets, json, new WebhookMetrics(meters), restClients, clock);
    }

    @Bean
    CallbackTargets callbackTargets() {
        return targets;
    }

    @Bean
    WebhookDispatcher webhookDispatcher() {
        return dispatcher;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        if (properties.enabled()) {
            registrar.addFixedDelayTask(dispatcher::runOnce, properties.pollInterval());
        }
    }
}
