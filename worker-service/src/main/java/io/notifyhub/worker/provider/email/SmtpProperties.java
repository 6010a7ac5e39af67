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
 * @param timeout         bound on connecting, each read and each write to the SMTP server, and on waiting for a
 *                        free connection
 * @param pool            the open connections a worker keeps and reuses
 */
@ConfigurationProperties("notifyhub.providers.smtp")
public record SmtpProperties(
        @DefaultValue("notifyhub@localhost") String defaultFrom,
        @DefaultValue("notifyhub") String messageIdDomain,
        @DefaultValue("10s") Duration timeout,
        @DefaultValue Pool pool) {

    /**
     * @param maxConnections           SMTP connections one worker opens at most; sends beyond them wait for one
     * @param maxMessagesPerConnection messages sent on one connection before it is closed and a new one opened
     *                                 (servers cap them; 100 is a common cap)
     * @param idleTimeout              an unused connection is closed after this long
     * @param validateAfterIdle        a connection unused for this long is checked with a NOOP before a message
     */
    public record Pool(
            @DefaultValue("16") int maxConnections,
            @DefaultValue("100") int maxMessagesPerConnection,
            @DefaultValue("30s") Duration idleTimeout,
            @DefaultValue("5s") Duration validateAfterIdle) {

        public Pool {
            if (maxConnections < 1 || maxMessagesPerConnection < 1) {
                throw new IllegalArgumentException(
                        "notifyhub.providers.smtp.pool.max-connections and max-messages-per-connection must be at least 1");
            }
        }
    }
}
