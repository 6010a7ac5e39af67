package io.notifyhub.model.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Publishing limits.
 *
 * @param confirmTimeout how long a publisher waits for the broker's confirm before treating the message
 *                       as unpublished
 */
@ConfigurationProperties("notifyhub.messaging")
public record MessagingProperties(@DefaultValue("5s") Duration confirmTimeout) {
}
