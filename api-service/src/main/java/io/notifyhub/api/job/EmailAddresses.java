package io.notifyhub.api.job;

import java.util.Locale;
import java.util.Optional;

/**
 * Email addresses and mailboxes ({@code Team <team@example.com>}) read by one pass over a bounded string, never by
 * a regular expression: an address is {@code local@domain}, the local part not empty and without whitespace,
 * {@code @}, {@code <} or {@code >}, the domain a name of two or more labels ({@link #isDomain}). Anything
 * longer than {@link #MAX_MAILBOX} is refused before it is looked at, so each check costs at most that many steps.
 */
public final class EmailAddresses {

    /** The longest address (RFC 5321's path limit, as the recipient has always been capped). */
    public static final int MAX_ADDRESS = 320;
    /** The longest mailbox: a display name and an address in angle brackets. */
    public static final int MAX_MAILBOX = 400;

    private EmailAddresses() {}

    /** An address split into its parts; the domain in lower case (domains are case-insensitive). */
    public record Address(String local, String domain) {

        /** The whole address with its domain in lower case. */
        public String normalized() {
            return local + "@" + domain;
        }
    }

    /** The address, or empty when the text is not one. */
    public static Optional<Address> parseAddress(String text) {
        if (text == null || text.length() > MAX_ADDRESS) {
            return Optional.empty();
        }
        int at = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '@') {
                if (at >= 0) {
                    return Optional.empty();
                }
                at = i;
            } else if (c == '<' || c == '>' || Character.isWhitespace(c)) {
                return Optional.empty();
            }
        }
        if (at <= 0 || at == text.length() - 1) {
            return Optional.empty();
        }
        String domain = text.substring(at + 1);
        if (!isDomain(domain)) {
            return Optional.empty();
        }
        return Optional.of(new Address(text.substring(0, at), domain.toLowerCase(Locale.ROOT)));
    }

    /**
     * A domain name of at least two labels, each 1 to 63 letters (any script), digits or hyphens, neither starting
     * nor ending with a hyphen.
     */
    public static boolean isDomain(String domain) {
        if (domain == null || domain.isEmpty() || domain.length() > 253) {
            return false;
        }
        int labels = 0;
        int start = 0;
        for (int i = 0; i <= domain.length(); i++) {
            if (i == domain.length() || domain.charAt(i) == '.') {
                int length = i - start;
                if (length < 1 || length > 63 || domain.charAt(start) == '-' || domain.charAt(i - 1) == '-') {
                    return false;
                }
                labels++;
                start = i + 1;
            } else {
                char c = domain.charAt(i);
                if (c != '-' && !Character.isLetterOrDigit(c)) {
                    return false;
                }
            }
        }
        return labels >= 2;
    }

    /**
     * The address of a mailbox: a bare address, or a display name (without {@code <}, {@code >}, {@code @}, CR or
     * LF) followed by the address in angle brackets. Empty when the text is neither.
     */
    public static Optional<Address> parseMailbox(String text) {
        if (text == null || text.length() > MAX_MAILBOX) {
            return Optional.empty();
        }
        if (!text.endsWith(">")) {
            return parseAddress(text);
        }
        int open = text.indexOf('<');
        if (open < 0) {
            return Optional.empty();
        }
        for (int i = 0; i < open; i++) {
            char c = text.charAt(i);
            if (c == '>' || c == '@' || c == '\r' || c == '\n') {
                return Optional.empty();
            }
        }
        return parseAddress(text.substring(open + 1, text.length() - 1));
    }
}
