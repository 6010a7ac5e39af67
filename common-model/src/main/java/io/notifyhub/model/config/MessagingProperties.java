package io.notifyhub.model.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Publishing limits.
 *
 * @param confirmTimeout how long a publisher waits for the broker's confirm before treating the message
 *                       as unpublished
 * @param breakerOpenFor once publishing keeps failing, how long the API stops trying before probing again
 *                       (jobs are stored meanwhile and published by the reconciler)
 */
@ConfigurationProperties("notifyhub.messaging")
public record MessagingProperties(
        @DefaultValue("5s") Duration confirmTimeout,
        @DefaultValue("2s") Duration breakerOpenFor) {}
