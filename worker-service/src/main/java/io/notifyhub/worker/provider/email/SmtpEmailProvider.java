package io.notifyhub.worker.provider.email;

import io.notifyhub.model.Channel;
import io.notifyhub.worker.provider.DeliveryRequest;
import io.notifyhub.worker.provider.DeliveryResult;
import io.notifyhub.worker.provider.NotificationProvider;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.Set;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessageHelper;

/**
 * Email over SMTP through Spring's {@link JavaMailSenderImpl} (jakarta.mail). The {@code Message-ID} is
 * derived from the job id, so a message sent twice shows up as the same message at the receiving end.
 *
 * <p>Payload: {@code recipient}, {@code subject}, {@code body} (plain text), and optionally {@code html}
 * (an HTML alternative), {@code from} and {@code replyTo}. The API refuses CR or LF in any header field, and
 * jakarta.mail folds or refuses what could still reach a header, so nothing can be injected.
 */
public class SmtpEmailProvider implements NotificationProvider {

    public static final String NAME = "smtp";

    private final JavaMailSenderImpl sender;
    private final SmtpProperties properties;

    public SmtpEmailProvider(JavaMailSenderImpl sender, SmtpProperties properties) {
        this.sender = sender;
        this.properties = properties;
        String millis = Long.toString(properties.timeout().toMillis());
        for (String protocol : new String[] {"smtp", "smtps"}) {
            for (String timeout : new String[] {"connectiontimeout", "timeout", "writetimeout"}) {
                sender.getJavaMailProperties().putIfAbsent("mail." + protocol + "." + timeout, millis);
            }
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
        } catch (MessagingException | RuntimeException e) {
            return new DeliveryResult.Permanent("cannot compose the message: " + e.getMessage());
        }
        try {
            sender.send(message);
        } catch (MailException e) {
            return SmtpFailures.classify(e);
        }
        return new DeliveryResult.Sent(messageId);
    }

    private MimeMessage compose(DeliveryRequest request, String messageId) throws MessagingException {
        MimeMessage message = new MimeMessage(sender.getSession()) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        MimeMessageHelper helper = new MimeMessageHelper(message, "UTF-8");
        String from = request.text("from");
        helper.setFrom(from != null ? from : properties.defaultFrom());
        if (request.text("replyTo") != null) {
            helper.setReplyTo(request.text("replyTo"));
        }
        helper.setTo(request.text("recipient"));
        helper.setSubject(request.text("subject"));
        String html = request.text("html");
        if (html == null) {
            helper.setText(request.text("body"));
        } else {
            // multipart/alternative: plain text first, the HTML the client prefers last (RFC 2046)
            MimeBodyPart plain = new MimeBodyPart();
            plain.setText(request.text("body"), "UTF-8");
            MimeBodyPart rich = new MimeBodyPart();
            rich.setText(html, "UTF-8", "html");
            message.setContent(new MimeMultipart("alternative", plain, rich));
        }
        return message;
    }
}
