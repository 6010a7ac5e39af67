package io.notifyhub.worker.provider.email;

import io.notifyhub.model.Channel;
import io.notifyhub.worker.provider.DeliveryRequest;
import io.notifyhub.worker.provider.DeliveryResult;
import io.notifyhub.worker.provider.NotificationProvider;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Email over SMTP (jakarta.mail), on connections kept open between messages ({@link SmtpConnections}); the
 * server and its credentials are Spring's {@code spring.mail.*}, read through {@link JavaMailSenderImpl}. The
 * {@code Message-ID} is derived from the job id, so a message sent twice shows up as the same message at the
 * receiving end.
 *
 * <p>Payload: {@code recipient}, {@code subject}, {@code body} (plain text), and optionally {@code html}
 * (an HTML alternative), {@code from} and {@code replyTo}. The API refuses CR or LF in any header field, and
 * jakarta.mail folds or refuses what could still reach a header, so nothing can be injected.
 */
public class SmtpEmailProvider implements NotificationProvider, AutoCloseable {

    public static final String NAME = "smtp";
    private static final String UTF_8 = "UTF-8";

    private final SmtpProperties properties;
    private final SmtpConnections connections;
    /** JavaMailSenderImpl.getSession() is synchronized: taken once, not for every message */
    private final Session session;

    public SmtpEmailProvider(JavaMailSenderImpl sender, SmtpProperties properties) {
        this.properties = properties;
        String millis = Long.toString(properties.timeout().toMillis());
        for (String protocol : new String[] {"smtp", "smtps"}) {
            for (String timeout : new String[] {"connectiontimeout", "timeout", "writetimeout"}) {
                sender.getJavaMailProperties().putIfAbsent("mail." + protocol + "." + timeout, millis);
            }
        }
        this.session = sender.getSession();
        this.connections = new SmtpConnections(sender, properties.pool(), properties.timeout());
    }

    /** Composes and encodes a message with HTML (not sent): jakarta.mail's and activation's classes and maps. */
    @Override
    public void warmUp() {
        try {
            compose(
                            new DeliveryRequest(
                                    "000000000000000000000000",
                                    Channel.EMAIL,
                                    Map.of(
                                            "recipient",
                                            "warm-up@example.com",
                                            "subject",
                                            "Warm-up ✓",
                                            "body",
                                            "Plain ✓",
                                            "html",
                                            "<p>HTML ✓</p>"),
                                    1),
                            "<warm-up@" + properties.messageIdDomain() + ">")
                    .writeTo(OutputStream.nullOutputStream());
        } catch (MessagingException | IOException | RuntimeException e) {
            // a real send reports what is wrong; the warm-up only loads what sends need
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Channel> channels() {
        return Set.of(Channel.EMAIL);
    }

    @Override
    public DeliveryResult send(DeliveryRequest request) {
        String messageId = "<" + request.jobId() + "@" + properties.messageIdDomain() + ">";
        MimeMessage message;
        try {
            message = compose(request, messageId);
        } catch (MessagingException | UnsupportedEncodingException | RuntimeException e) {
            return new DeliveryResult.Permanent("cannot compose the message: " + e.getMessage());
        }
        SmtpConnections.Connection connection;
        try {
            connection = connections.borrow();
        } catch (MessagingException e) {
            return SmtpFailures.classify(new MailSendException("cannot connect to the SMTP server", e));
        }
        boolean worked = false;
        try {
            connection.transport.sendMessage(message, message.getAllRecipients());
            worked = true;
        } catch (MessagingException e) {
            return SmtpFailures.classify(new MailSendException(String.valueOf(e.getMessage()), e));
        } finally {
            connections.release(connection, worked);
        }
        return new DeliveryResult.Sent(messageId);
    }

    /** Connections open now (for tests and metrics). */
    int openConnections() {
        return connections.open();
    }

    /** Closes the idle connections (QUIT) when the worker stops. */
    @Override
    public void close() {
        connections.close();
    }

    private MimeMessage compose(DeliveryRequest request, String messageId)
            throws MessagingException, UnsupportedEncodingException {
        MimeMessage message = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        String from = request.text("from");
        message.setFrom(address(from != null ? from : properties.defaultFrom()));
        if (request.text("replyTo") != null) {
            message.setReplyTo(new InternetAddress[] {address(request.text("replyTo"))});
        }
        message.setRecipient(Message.RecipientType.TO, address(request.text("recipient")));
        message.setSubject(request.text("subject"), UTF_8);
        String html = request.text("html");
        if (html == null) {
            message.setText(request.text("body"), UTF_8);
        } else {
            // multipart/alternative: plain text first, the HTML the client prefers last (RFC 2046)
            MimeBodyPart plain = new MimeBodyPart();
            plain.setText(request.text("body"), UTF_8);
            MimeBodyPart rich = new MimeBodyPart();
            rich.setText(html, UTF_8, "html");
            message.setContent(new MimeMultipart("alternative", plain, rich));
        }
        message.setSentDate(new Date());
        message.saveChanges();
        return message;
    }

    /** One address, its display name encoded as UTF-8 where it needs to be (as Spring's MimeMessageHelper does). */
    private static InternetAddress address(String text) throws AddressException, UnsupportedEncodingException {
        InternetAddress[] parsed = InternetAddress.parse(text);
        if (parsed.length != 1) {
            throw new AddressException("not one address", text);
        }
        return new InternetAddress(parsed[0].getAddress(), parsed[0].getPersonal(), UTF_8);
    }
}
