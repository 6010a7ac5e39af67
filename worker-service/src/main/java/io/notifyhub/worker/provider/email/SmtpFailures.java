package io.notifyhub.worker.provider.email;

import io.notifyhub.worker.provider.DeliveryResult;
import jakarta.mail.AuthenticationFailedException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailException;
import org.springframework.mail.MailParseException;
import org.springframework.mail.MailPreparationException;
import org.springframework.mail.MailSendException;

/**
 * Sorts an SMTP failure: the server's reply code decides where there is one (4xx: try again, 5xx: never),
 * refused credentials and unparsable messages are permanent, and I/O trouble (refused connection, timeout,
 * dropped link) is retryable.
 */
final class SmtpFailures {

    private SmtpFailures() {}

    static DeliveryResult classify(MailException e) {
        if (e instanceof MailAuthenticationException) {
            return new DeliveryResult.Permanent("SMTP authentication failed: " + e.getMessage());
        }
        if (e instanceof MailParseException || e instanceof MailPreparationException) {
            return new DeliveryResult.Permanent("message rejected before sending: " + e.getMessage());
        }
        List<Throwable> causes = new ArrayList<>();
        if (e instanceof MailSendException send) {
            causes.addAll(send.getFailedMessages().values());
        }
        causes.add(e);
        for (Throwable cause : causes) {
            for (Throwable t = cause; t != null; t = t.getCause()) {
                if (t instanceof AuthenticationFailedException) {
                    return new DeliveryResult.Permanent("SMTP authentication failed: " + t.getMessage());
                }
                int code = t instanceof SMTPAddressFailedException address
                        ? address.getReturnCode()
                        : t instanceof SMTPSendFailedException send ? send.getReturnCode() : 0;
                if (code >= 500) {
                    return new DeliveryResult.Permanent(
                            "SMTP " + code + ": " + t.getMessage().strip());
                }
                if (code >= 400) {
                    return new DeliveryResult.Retryable(
                            "SMTP " + code + ": " + t.getMessage().strip());
                }
                if (t instanceof IOException) {
                    return new DeliveryResult.Retryable("SMTP server unreachable: " + t);
                }
            }
        }
        return new DeliveryResult.Retryable("SMTP send failed: " + e.getMessage());
    }
}
