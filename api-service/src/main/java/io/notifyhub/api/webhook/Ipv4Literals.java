package io.notifyhub.api.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * IPv4 hosts as browsers and curl read them (the WHATWG URL standard's IPv4 parser): one to four parts, each
 * decimal, octal (a leading 0) or hexadecimal ({@code 0x}), the last filling the remaining bytes. So
 * {@code 0x7f000001}, {@code 017700000001}, {@code 2130706433} and {@code 127.1} are all 127.0.0.1, and are judged
 * as that. One pass over a host that URI parsing has bounded.
 */
final class Ipv4Literals {

    private Ipv4Literals() {}

    static Optional<InetAddress> parse(String host) {
        if (host.length() > 64) {
            return Optional.empty();
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return Optional.empty();
        }
        long[] numbers = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Long number = number(parts[i]);
            if (number == null) {
                return Optional.empty();
            }
            numbers[i] = number;
        }
        long value = 0;
        for (int i = 0; i < numbers.length - 1; i++) {
            if (numbers[i] > 255) {
                return Optional.empty();
            }
            value |= numbers[i] << (8 * (3 - i));
        }
        long last = numbers[numbers.length - 1];
        if (last >= 1L << (8 * (5 - numbers.length))) {
            return Optional.empty();
        }
        value |= last;
        byte[] bytes = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** A part's value, or null when it is not a number (or longer than any IPv4 part can be). */
    private static Long number(String part) {
        int radix = 10;
        String digits = part;
        if (part.startsWith("0x") || part.startsWith("0X")) {
            radix = 16;
            digits = part.substring(2);
        } else if (part.length() > 1 && part.startsWith("0")) {
            radix = 8;
            digits = part.substring(1);
        }
        if (part.isEmpty() || digits.length() > 12 || digits.startsWith("+") || digits.startsWith("-")) {
            return null;
        }
        if (digits.isEmpty()) {
            return 0L; // "0x" alone is 0
        }
        try {
            return Long.parseLong(digits, radix);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
