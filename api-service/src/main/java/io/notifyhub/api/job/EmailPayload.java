package io.notifyhub.api.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * Payload of an {@code email} job. {@code body} is plain text; {@code html}, if given, is sent as its HTML
 * alternative. {@code from} (an address, optionally with a display name: {@code Team <team@example.com>})
 * defaults to the worker's configured sender and must be one an admin verified for the client; {@code replyTo} is
 * an address. No field that becomes a mail header may hold a CR or LF: that is how headers are injected. Every
 * check is a single pass ({@link EmailAddresses}), and the reader has bounded each string's length before.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record EmailPayload(
        @NotBlank @Size(max = EmailAddresses.MAX_ADDRESS) @NoLineBreak @EmailAddress
        String recipient,

        @NotBlank @Size(max = 998) @NoLineBreak String subject,
        @NotBlank @Size(max = 60_000) String body,
        @Size(max = 60_000) String html,

        @Size(max = EmailAddresses.MAX_MAILBOX)
        @NoLineBreak
        @EmailAddress(
                mailbox = true,
                message = "must be an email address, optionally with a display name: Team <team@example.com>")
        String from,

        @Size(max = EmailAddresses.MAX_ADDRESS) @NoLineBreak @EmailAddress
        String replyTo) {}
