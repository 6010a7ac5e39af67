package io.notifyhub.model.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * MongoDB client limits. The connection itself is {@code MONGODB_URI}.
 *
 * @param timeout bound on server selection, connecting and each read, so a store outage fails fast
 */
@ConfigurationProperties("notifyhub.store")
public record StoreProperties(@DefaultValue("2s") Duration timeout) {}
