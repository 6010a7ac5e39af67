package io.notifyhub.model.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the store's and the broker's health are checked: in the background, so a health request never waits.
 *
 * @param checkEvery pause between two checks of each
 * @param staleAfter a check that has not ended for this long counts as down (the server hangs)
 */
@ConfigurationProperties("notifyhub.health")
public record HealthProperties(
        @DefaultValue("2s") Duration checkEvery,
        @DefaultValue("10s") Duration staleAfter) {}
