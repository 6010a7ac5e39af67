package io.notifyhub.worker.provider.email;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.notifyhub.model.Channel;
import io.notifyhub.worker.provider.DeliveryRequest;
import io.notifyhub.worker.provider.DeliveryResult;
import io.notifyhub.worker.provider.NotificationProvider;
import io.notifyhub.worker.provider.ProviderContractTests;
import jakarta.mail.Message;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/** The SMTP provider against GreenMail in-process, and a scripted SMTP server for the replies GreenMail never gives. */
class SmtpEmailProviderTests extends ProviderContractTests {

    @RegisterExtension
    static final GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("notifyhub", "s3cret"))
            .withPerMethodLifecycle(true);

    private final List<ScriptedSmtpServer> scripted = new ArrayList<>();

    @AfterEach
    void closeScriptedServers() throws IOException {
        for (ScriptedSmtpServer server : scripted) {
            server.close();
        }
    }

    @Override
    protected DeliveryRequest request() {
        return new DeliveryRequest(
                "65f1a2b3c4d5e6f708192a3b",
                Channel.EMAIL,
                Map.of(
                        "recipient",
                        "ada@example.com",
                        "subject",
                        "Welcome, Ada",
                        "body",
                        "Thank you for signing up",
                        "from",
                        "Notifyhub <hello@notifyhub.test>",
                        "replyTo",
                        "support@notifyhub.test"),
                1);
    }

    @Override
    protected NotificationProvider accepting() {
        return provider(greenMail.getSmtp().getPort(), "notifyhub", "s3cret");
    }

    @Override
    protected void assertDelivered(DeliveryRequest request, String providerMessageId) throws Exception {
        assertThat(providerMessageId).isEqualTo("<65f1a2b3c4d5e6f708192a3b@notifyhub.test>");
        MimeMessage received = greenMail.getReceivedMessages()[0];
        assertThat(received.getMessageID()).isEqualTo(providerMessageId);
        assertThat(received.getSubject()).isEqualTo("Welcome, Ada");
        assertThat(received.getFrom()).containsExactly(new InternetAddress("Notifyhub <hello@notifyhub.test>"));
        assertThat(received.getReplyTo()).containsExactly(new InternetAddress("support@notifyhub.test"));
        assertThat(received.getRecipients(Message.RecipientType.TO))
                .containsExactly(new InternetAddress("ada@example.com"));
        assertThat(GreenMailUtil.getBody(received)).contains("Thank you for signing up");
    }

    @Override
    protected NotificationProvider rejectingTheRecipient() {
        return provider(
                scripted(ScriptedSmtpServer.replyingToRcpt("550 5.1.1 <ada@example.com>: no such user")), null, null);
    }

    @Override
    protected NotificationProvider failingTransiently() {
        return provider(scripted(ScriptedSmtpServer.replyingToRcpt("451 4.3.0 mailbox busy, try later")), null, null);
    }

    @Override
    protected NotificationProvider withBadCredentials() {
        return provider(greenMail.getSmtp().getPort(), "notifyhub", "wrong-password");
    }

    @Override
    protected NotificationProvider hanging() {
        return provider(scripted(ScriptedSmtpServer.silent()), null, null);
    }

    @Override
    protected NotificationProvider unreachable(int port) {
        return provider(port, null, null);
    }

    @Override
    protected NotificationProvider throttling(Duration retryAfter) {
        return null; // SMTP has no Retry-After; a 4xx reply is its "later" (shouldCallATransientServerFailureRetryable)
    }

    @Test
    void shouldSendThePlainTextWithAnHtmlAlternative() throws Exception {
        DeliveryRequest request = new DeliveryRequest(
                "65f1a2b3c4d5e6f708192a3c",
                Channel.EMAIL,
                Map.of(
                        "recipient",
                        "ada@example.com",
                        "subject",
                        "Hi",
                        "body",
                        "Plain hello",
                        "html",
                        "<p>HTML hello</p>"),
                1);

        assertThat(accepting().send(request)).isInstanceOf(DeliveryResult.Sent.class);

        MimeMessage received = greenMail.getReceivedMessages()[0];
        assertThat(received.getFrom()).containsExactly(new InternetAddress("notifyhub@notifyhub.test"));
        MimeMultipart alternative = (MimeMultipart) received.getContent();
        assertThat(alternative.getContentType()).startsWith("multipart/alternative");
        assertThat(alternative.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(alternative.getBodyPart(0).getContent()).isEqualTo("Plain hello");
        assertThat(alternative.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat(alternative.getBodyPart(1).getContent()).isEqualTo("<p>HTML hello</p>");
    }

    @Test
    void shouldGiveTheSameMessageIdToEverySendOfAJob() throws Exception {
        NotificationProvider provider = accepting();

        provider.send(request());
        provider.send(request());

        MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received).hasSize(2);
        assertThat(received[0].getMessageID())
                .isEqualTo(received[1].getMessageID())
                .isEqualTo("<65f1a2b3c4d5e6f708192a3b@notifyhub.test>");
    }

    @Test
    void shouldRefuseAnAddressThatIsNotOne() {
        DeliveryRequest request = new DeliveryRequest(
                "65f1a2b3c4d5e6f708192a3d",
                Channel.EMAIL,
                Map.of("recipient", "not an address", "subject", "Hi", "body", "Hello"),
                1);

        assertThat(accepting().send(request)).isInstanceOf(DeliveryResult.Permanent.class);
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void shouldSendOverSmtpsWithTls() {
        ServerSetup smtps = ServerSetupTest.SMTPS.dynamicPort();
        com.icegreen.greenmail.util.GreenMail tls = new com.icegreen.greenmail.util.GreenMail(smtps);
        tls.start();
        try {
            JavaMailSenderImpl sender = sender(tls.getSmtps().getPort(), null, null);
            sender.setProtocol("smtps");
            // GreenMail's certificate is self-signed; a real server's is checked against the trust store
            sender.getJavaMailProperties().put("mail.smtps.ssl.trust", "*");
            sender.getJavaMailProperties().put("mail.smtps.ssl.checkserveridentity", "false");
            DeliveryResult result = new SmtpEmailProvider(sender, properties()).send(request());

            assertThat(result).isInstanceOf(DeliveryResult.Sent.class);
            assertThat(tls.getReceivedMessages())
                    .singleElement()
                    .satisfies(m -> assertThat(m.getSubject()).isEqualTo("Welcome, Ada"));
        } finally {
            tls.stop();
        }
    }

    @Test
    void shouldSendConsecutiveMessagesOverOneConnection() {
        ScriptedSmtpServer server = ScriptedSmtpServer.accepting();
        scripted(server);
        SmtpEmailProvider provider = new SmtpEmailProvider(sender(server.port(), null, null), properties());

        for (int i = 0; i < 5; i++) {
            assertThat(provider.send(request())).isInstanceOf(DeliveryResult.Sent.class);
        }

        assertThat(server.messages()).isEqualTo(5);
        assertThat(server.connections()).as("connections opened for 5 messages").isEqualTo(1);
        assertThat(provider.openConnections()).isEqualTo(1);
        provider.close();
        assertThat(provider.openConnections()).isZero();
    }

    @Test
    void shouldOpenANewConnectionOnceOneCarriedItsMessages() {
        ScriptedSmtpServer server = ScriptedSmtpServer.accepting();
        scripted(server);
        SmtpEmailProvider provider = new SmtpEmailProvider(
                sender(server.port(), null, null),
                properties(new SmtpProperties.Pool(4, 2, Duration.ofSeconds(30), Duration.ofSeconds(5))));

        for (int i = 0; i < 5; i++) {
            assertThat(provider.send(request())).isInstanceOf(DeliveryResult.Sent.class);
        }

        assertThat(server.messages()).isEqualTo(5);
        assertThat(server.connections()).as("at most 2 messages a connection").isEqualTo(3);
    }

    @Test
    void shouldReconnectWhenTheServerClosedAnIdleConnection() throws Exception {
        ScriptedSmtpServer server = ScriptedSmtpServer.accepting();
        scripted(server);
        // every connection taken from the pool is checked first (NOOP), however briefly it was idle
        SmtpEmailProvider provider = new SmtpEmailProvider(
                sender(server.port(), null, null),
                properties(new SmtpProperties.Pool(4, 100, Duration.ofSeconds(30), Duration.ZERO)));
        assertThat(provider.send(request())).isInstanceOf(DeliveryResult.Sent.class);

        server.dropConnections();

        assertThat(provider.send(request())).isInstanceOf(DeliveryResult.Sent.class);
        assertThat(server.messages()).isEqualTo(2);
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void shouldNotReuseAConnectionAMessageFailedOn() {
        ScriptedSmtpServer server = ScriptedSmtpServer.replyingToRcpt("451 4.3.0 mailbox busy, try later");
        scripted(server);
        SmtpEmailProvider provider = new SmtpEmailProvider(sender(server.port(), null, null), properties());

        assertThat(provider.send(request())).isInstanceOf(DeliveryResult.Retryable.class);
        assertThat(provider.send(request())).isInstanceOf(DeliveryResult.Retryable.class);

        assertThat(server.mailingConnections())
                .as("a connection whose message failed is not used again")
                .isEqualTo(2);
    }

    @Test
    void shouldCloseConnectionsIdleLongerThanTheIdleTimeout() {
        ScriptedSmtpServer server = ScriptedSmtpServer.accepting();
        scripted(server);
        SmtpEmailProvider provider = new SmtpEmailProvider(
                sender(server.port(), null, null),
                properties(new SmtpProperties.Pool(4, 100, Duration.ofMillis(400), Duration.ofSeconds(5))));
        assertThat(provider.send(request())).isInstanceOf(DeliveryResult.Sent.class);
        assertThat(provider.openConnections()).isEqualTo(1);

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> provider.openConnections() == 0);
    }

    private int scripted(ScriptedSmtpServer server) {
        scripted.add(server);
        return server.port();
    }

    private static NotificationProvider provider(int port, String username, String password) {
        return new SmtpEmailProvider(sender(port, username, password), properties());
    }

    private static SmtpProperties properties() {
        return properties(new SmtpProperties.Pool(16, 100, Duration.ofSeconds(30), Duration.ofSeconds(5)));
    }

    private static SmtpProperties properties(SmtpProperties.Pool pool) {
        return new SmtpProperties("notifyhub@notifyhub.test", "notifyhub.test", TIMEOUT, pool);
    }

    /** As Spring Boot builds it from {@code spring.mail.*}. */
    private static JavaMailSenderImpl sender(int port, String username, String password) {
        JavaMailSenderImpl sender = new JavaMailSenderImpl();
        sender.setHost("127.0.0.1");
        sender.setPort(port);
        sender.setUsername(username);
        sender.setPassword(password);
        Properties properties = new Properties();
        if (username != null) {
            properties.put("mail.smtp.auth", "true");
        }
        sender.setJavaMailProperties(properties);
        return sender;
    }
}
