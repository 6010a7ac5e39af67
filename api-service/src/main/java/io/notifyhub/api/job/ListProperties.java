package io.notifyhub.api.job;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Lists of jobs ({@code GET /api/jobs}, {@code GET /api/dead-letters}).
 *
 * @param maxPageSize about how much one page may hold; a page that reaches it ends early, before its
 *                    {@code limit}, with a {@code Link} to the next one
 */
@ConfigurationProperties("notifyhub.api.list")
public record ListProperties(@DefaultValue("4MB") DataSize maxPageSize) {}
