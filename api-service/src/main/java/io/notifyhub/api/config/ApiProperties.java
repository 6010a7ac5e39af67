package io.notifyhub.api.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param maxInFlight job submissions one API process handles at once; more are answered {@code 503} with
 *                    {@code Retry-After} at once instead of queueing up until memory runs out
 */
@ConfigurationProperties("notifyhub.api")
public record ApiProperties(@DefaultValue("256") int maxInFlight) {
}
