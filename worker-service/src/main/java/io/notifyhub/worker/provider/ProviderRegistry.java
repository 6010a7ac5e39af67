package io.notifyhub.worker.provider;

import io.notifyhub.model.Channel;
import io.notifyhub.worker.config.WorkerProperties;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/** The provider for each channel, chosen by name in {@code notifyhub.worker.providers}. */
@Component
public class ProviderRegistry {

    private final Map<Channel, NotificationProvider> byChannel = new EnumMap<>(Channel.class);

    public ProviderRegistry(List<NotificationProvider> providers, WorkerProperties properties) {
        for (Channel channel : Channel.values()) {
            String name = properties.providers().getOrDefault(channel, WorkerProperties.DEFAULT_PROVIDER);
            NotificationProvider provider = providers.stream()
                    .filter(p -> p.name().equals(name) && p.channels().contains(channel))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("No provider named '" + name + "' for channel "
                            + channel + "; known: " + providers.stream()
                                    .map(p -> p.name() + p.channels()).collect(Collectors.joining(", "))));
            byChannel.put(channel, provider);
        }
    }

    public NotificationProvider forChannel(Channel channel) {
        return byChannel.get(channel);
    }
}
