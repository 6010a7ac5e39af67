package io.notifyhub.worker.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What every provider promises, checked against a real server speaking the provider's protocol: success
 * carries the provider's message id, failures are sorted into retryable and permanent, a 429's
 * {@code Retry-After} reaches the retry, and no call outlasts its timeout. Extended once per provider, which
 * sets its server up for each case.
 */
public abstract class ProviderContractTests {

    /**
     * The timeout the providers under test are configured with: long enough for a cold first request on a
     * loaded machine, short enough to keep the silent-server cases quick.
     */
    protected static final Duration TIMEOUT = Duration.ofMillis(1500);

    /** A valid request for the provider's channel. */
    protected abstract DeliveryRequest request();

    /** The provider, its server set to accept the message. */
    protected abstract NotificationProvider accepting();

    /** Checks, at the server, that {@code request} arrived as sent with {@code providerMessageId}. */
    protected abstract void assertDelivered(DeliveryRequest request, String providerMessageId) throws Exception;

    /** The provider, its server refusing the recipient for good (invalid or unreachable number, address). */
    protected abstract NotificationProvider rejectingTheRecipient();

    /** The provider, its server failing for now (5xx, SMTP 4xx). */
    protected abstract NotificationProvider failingTransiently();

    /** The provider with credentials the server refuses. */
    protected abstract NotificationProvider withBadCredentials();

    /** The provider, its server accepting the connection and never answering. */
    protected abstract NotificationProvider hanging();

    /** The provider, pointed at an address where nothing listens. */
    protected abstract NotificationProvider unreachable(int port);

    /** The provider, its server answering 429 with {@code Retry-After}; null when the protocol has none. */
    protected abstract NotificationProvider throttling(Duration retryAfter);

    @Test
    void shouldSendAndReturnTheProvidersMessageId() throws Exception {
        DeliveryRequest request = request();

        DeliveryResult result = accepting().send(request);

        assertThat(result).isInstanceOf(DeliveryResult.Sent.class);
        String id = ((DeliveryResult.Sent) result).providerMessageId();
        assertThat(id).isNotBlank();
        assertDelivered(request, id);
    }

    @Test
    void shouldCallARejectedRecipientPermanent() {
        assertThat(rejectingTheRecipient().send(request())).isInstanceOf(DeliveryResult.Permanent.class);
    }

    @Test
    void shouldCallATransientServerFailureRetryable() {
        assertThat(failingTransiently().send(request())).isInstanceOf(DeliveryResult.Retryable.class);
    }

    @Test
    void shouldCallRefusedCredentialsPermanent() {
        DeliveryResult result = withBadCredentials().send(request());

        assertThat(result).isInstanceOf(DeliveryResult.Permanent.class);
    }

    @Test
    void shouldCarryTheRetryAfterOfA429() {
        NotificationProvider provider = throttling(Duration.ofSeconds(7));
        assumeTrue(provider != null, "the protocol has no 429");

        DeliveryResult result = provider.send(request());

        assertThat(result)
                .isInstanceOfSatisfying(
                        DeliveryResult.Retryable.class,
                        retryable -> assertThat(retryable.retryAfter())
                                .as(retryable.reason())
                                .isEqualTo(Duration.ofSeconds(7)));
    }

    @Test
    void shouldGiveUpOnASilentServerWithinItsTimeout() {
        NotificationProvider provider = hanging();
        long start = System.nanoTime();

        DeliveryResult result = provider.send(request());

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(result).isInstanceOf(DeliveryResult.Retryable.class);
        // a provider may spend its timeout on more than one step (connect, then read), never much longer
        assertThat(took).isGreaterThanOrEqualTo(TIMEOUT.minusMillis(50)).isLessThan(TIMEOUT.multipliedBy(3));
    }

    @Test
    void shouldCallAnUnreachableServerRetryable() {
        assertThat(unreachable(freePort()).send(request())).isInstanceOf(DeliveryResult.Retryable.class);
    }

    protected static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
