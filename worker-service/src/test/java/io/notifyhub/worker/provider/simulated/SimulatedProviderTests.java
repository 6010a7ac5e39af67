package io.notifyhub.worker.provider.simulated;

import static org.assertj.core.api.Assertions.assertThat;

import io.notifyhub.model.Channel;
import io.notifyhub.worker.config.WorkerProperties;
import io.notifyhub.worker.provider.DeliveryRequest;
import io.notifyhub.worker.provider.DeliveryResult;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The simulated provider's settings, bound from properties as the worker binds them. */
class SimulatedProviderTests {

    @Test
    void shouldRefuseForGoodTheRecipientsMatchingTheConfiguredPatternOnEveryChannel() throws Exception {
        SimulatedProvider provider = provider(Map.of(
                "notifyhub.providers.simulated.fail-recipients", "fail-.*@example\\.com|\\+1415555000\\d|dead-.*"));

        assertThat(provider.send(email("fail-1@example.com")))
                .isEqualTo(new DeliveryResult.Permanent("simulated: recipient refused"));
        assertThat(provider.send(
                        new DeliveryRequest("j2", Channel.SMS, Map.of("phone", "+14155550007", "message", "m"), 1)))
                .isInstanceOf(DeliveryResult.Permanent.class);
        assertThat(provider.send(new DeliveryRequest(
                        "j3", Channel.PUSH, Map.of("token", "dead-device", "title", "t", "body", "b"), 1)))
                .isInstanceOf(DeliveryResult.Permanent.class);
        // matched in full: a recipient that only contains the pattern is delivered
        assertThat(provider.send(email("user@example.com"))).isInstanceOf(DeliveryResult.Sent.class);
        assertThat(provider.send(email("no-fail-1@example.com.org"))).isInstanceOf(DeliveryResult.Sent.class);
    }

    @Test
    void shouldDeliverEveryRecipientWithoutAPattern() throws Exception {
        assertThat(provider(Map.of()).send(email("fail-1@example.com"))).isInstanceOf(DeliveryResult.Sent.class);
    }

    private static DeliveryRequest email(String recipient) {
        return new DeliveryRequest(
                "job-" + recipient, Channel.EMAIL, Map.of("recipient", recipient, "subject", "s", "body", "b"), 1);
    }

    private static SimulatedProvider provider(Map<String, String> properties) throws Exception {
        Binder binder = new Binder(new MapConfigurationPropertySource(properties));
        return new SimulatedProvider(
                binder.bindOrCreate("notifyhub.providers.simulated", SimulatedProviderProperties.class),
                binder.bindOrCreate("notifyhub.worker", WorkerProperties.class));
    }
}
