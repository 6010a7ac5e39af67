package io.notifyhub.worker.provider.email;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The SMTP provider's own settings; the server, port, credentials and TLS are Spring's {@code spring.mail.*}
 * (host, port, username, password, protocol, {@code properties.mail.smtp.starttls.enable}, ...).
 *
 * @param defaultFrom     sender of jobs whose payload has no {@code from}
 * @param messageIdDomain right-hand side of the {@code Message-ID} {@code <jobId@domain>}
 * @param timeout         bound on connecting, each read and each write to the SMTP server
 */
@ConfigurationProperties("notifyhub.providers.smtp")
public record SmtpProperties(
        @DefaultValue("notifyhub@localhost") String defaultFrom,
        @DefaultValue("notifyhub") String messageIdDomain,
        @DefaultValue("10s") Duration timeout) {
}
