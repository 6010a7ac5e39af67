package io.notifyhub.worker.provider.email;

import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import java.time.Duration;
import java.util.NoSuchElementException;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Open SMTP connections, reused from one message to the next (a bounded pool per worker, Apache Commons Pool).
 * Connecting, the greeting, EHLO, STARTTLS and AUTH cost several round trips that a connection per message paid
 * for every email. A connection is closed once it has been idle for {@code idle-timeout}, after
 * {@code max-messages-per-connection} messages (servers cap them), and after any failure on it, since its state
 * is then unknown; one that sat idle longer than {@code validate-after-idle} is checked with a NOOP first.
 * Deliveries beyond {@code max-connections} wait for one, up to the provider's timeout.
 */
final class SmtpConnections implements AutoCloseable {

    private final GenericObjectPool<Connection> pool;
    private final Duration wait;
    private final int maxMessages;

    SmtpConnections(JavaMailSenderImpl sender, SmtpProperties.Pool settings, Duration timeout) {
        this.wait = timeout;
        this.maxMessages = settings.maxMessagesPerConnection();
        GenericObjectPoolConfig<Connection> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(settings.maxConnections());
        config.setMaxIdle(settings.maxConnections());
        config.setMinIdle(0);
        config.setBlockWhenExhausted(true);
        config.setMaxWait(timeout);
        config.setTestOnBorrow(true);
        config.setMinEvictableIdleDuration(settings.idleTimeout());
        config.setTimeBetweenEvictionRuns(settings.idleTimeout().dividedBy(2));
        config.setNumTestsPerEvictionRun(-1); // every idle connection, each run
        config.setJmxEnabled(false);
        this.pool = new GenericObjectPool<>(new Factory(sender, settings.validateAfterIdle()), config);
    }

    /**
     * A connection for one message, opened if none is idle; give it back with {@link #release}.
     *
     * @throws MessagingException when none could be opened, or none came free within the timeout
     */
    Connection borrow() throws MessagingException {
        try {
            return pool.borrowObject(wait);
        } catch (NoSuchElementException exhausted) {
            throw new MessagingException("no SMTP connection came free within " + wait, exhausted);
        } catch (MessagingException e) {
            throw e;
        } catch (Exception e) {
            throw new MessagingException("cannot open an SMTP connection: " + e.getMessage(), e);
        }
    }

    /** Gives a connection back after a message: kept when it worked and has messages left, else closed. */
    void release(Connection connection, boolean worked) {
        if (worked && ++connection.messages < maxMessages) {
            pool.returnObject(connection);
            return;
        }
        try {
            pool.invalidateObject(connection);
        } catch (Exception closeFailed) {
            // closing a broken connection may fail; it is out of the pool either way
        }
    }

    /** Connections open now, in use or idle. */
    int open() {
        return pool.getNumActive() + pool.getNumIdle();
    }

    @Override
    public void close() {
        pool.close();
    }

    /** One open SMTP connection and how many messages it carried. */
    static final class Connection {
        final Transport transport;
        private int messages;

        private Connection(Transport transport) {
            this.transport = transport;
        }
    }

    private static final class Factory extends BasePooledObjectFactory<Connection> {

        private final JavaMailSenderImpl sender;
        private final Duration validateAfterIdle;

        Factory(JavaMailSenderImpl sender, Duration validateAfterIdle) {
            this.sender = sender;
            this.validateAfterIdle = validateAfterIdle;
        }

        @Override
        public Connection create() throws MessagingException {
            // as JavaMailSenderImpl connects: its session (spring.mail.*), protocol, host, port and credentials
            Transport transport =
                    sender.getSession().getTransport(sender.getProtocol() != null ? sender.getProtocol() : "smtp");
            String username = blankToNull(sender.getUsername());
            String password = username == null ? null : blankToNull(sender.getPassword());
            transport.connect(sender.getHost(), sender.getPort(), username, password);
            return new Connection(transport);
        }

        @Override
        public PooledObject<Connection> wrap(Connection connection) {
            return new DefaultPooledObject<>(connection);
        }

        /**
         * A connection used moments ago is taken as it is; one idle for a while may have been closed by the
         * server, and SMTPTransport.isConnected() asks it with a NOOP.
         */
        @Override
        public boolean validateObject(PooledObject<Connection> pooled) {
            return pooled.getIdleDuration().compareTo(validateAfterIdle) < 0
                    || pooled.getObject().transport.isConnected();
        }

        @Override
        public void destroyObject(PooledObject<Connection> pooled) {
            try {
                pooled.getObject().transport.close(); // QUIT
            } catch (MessagingException | RuntimeException alreadyGone) {
                // the server or the network closed it first
            }
        }

        private static String blankToNull(String value) {
            return value == null || value.isEmpty() ? null : value;
        }
    }
}
