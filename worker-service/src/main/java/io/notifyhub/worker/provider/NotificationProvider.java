package io.notifyhub.worker.provider;

import io.notifyhub.model.Channel;
import java.util.Set;

/**
 * The provider SPI: something that can deliver notifications of some channels. Implementations are Spring
 * beans; {@link ProviderRegistry} picks one per channel by {@link #name()} from configuration.
 *
 * <p>An implementation must not throw for a delivery outcome: it returns {@link DeliveryResult.Sent},
 * {@link DeliveryResult.Retryable} or {@link DeliveryResult.Permanent}. Anything it throws is treated as
 * retryable. It must bound the time a call takes.
 */
public interface NotificationProvider {

    /** The name configuration uses to pick this provider, such as {@code simulated}. */
    String name();

    /** The channels this provider can deliver. */
    Set<Channel> channels();

    /** Delivers one notification; called at most once per attempt, by the holder of the job's claim. */
    DeliveryResult send(DeliveryRequest request);

    /**
     * Loads and initialises what a send needs, once at start-up before the worker consumes, so that the first
     * sends of a backlog do not all load the same classes at once. Sends nothing, and must neither block for
     * long nor throw; the default does nothing.
     */
    default void warmUp() {}
}
