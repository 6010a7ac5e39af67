package io.notifyhub.api.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Payload of an {@code email} job. {@code body} is plain text; {@code html}, if given, is sent as its HTML
 * alternative. {@code from} (an address, optionally with a display name: {@code Team <team@example.com>})
 * defaults to the worker's configured sender; {@code replyTo} is an address. No field that becomes a mail
 * header may hold a CR or LF: that is how headers are injected.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record EmailPayload(
        @NotBlank @Size(max = 320) @Pattern(regexp = NO_LINE_BREAK, message = NO_LINE_BREAK_MESSAGE)
        @Email(regexp = ADDRESS, message = "must be a valid email address") String recipient,
        @NotBlank @Size(max = 998) @Pattern(regexp = NO_LINE_BREAK, message = NO_LINE_BREAK_MESSAGE) String subject,
        @NotBlank @Size(max = 60_000) String body,
        @Size(max = 60_000) String html,
        @Size(max = 400) @Pattern(regexp = NO_LINE_BREAK, message = NO_LINE_BREAK_MESSAGE)
        @Pattern(regexp = "(?s).*[\\r\\n].*|" + ADDRESS + "|[^<>@\\r\\n]*<" + ADDRESS + ">",
                message = "must be an email address, optionally with a display name: Team <team@example.com>")
        String from,
        @Size(max = 320) @Pattern(regexp = NO_LINE_BREAK, message = NO_LINE_BREAK_MESSAGE)
        @Email(regexp = ADDRESS, message = "must be a valid email address") String replyTo) {

    private static final String ADDRESS = "[^\\s@<>]+@[^\\s@<>]+\\.[^\\s@<>]+";
    /** {@code (?s)} lets {@code .} see line breaks, so one anywhere fails the whole match. */
    private static final String NO_LINE_BREAK = "(?s)[^\\r\\n]*";
    private static final String NO_LINE_BREAK_MESSAGE = "must not contain CR or LF (header injection)";
}
