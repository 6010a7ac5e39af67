package io.notifyhub.api.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * The addresses no webhook may go to: every entry of the IANA IPv4 and IPv6 Special-Purpose Address Registries
 * (RFC 6890 and its updates), IPv4 multicast, and in IPv6 everything outside global unicast ({@code 2000::/3}).
 * An IPv6 address that carries an IPv4 one (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo) is refused as its
 * form, and the reason names the IPv4 address inside when that one is special too.
 */
final class SpecialAddresses {

    /** A range and what it is, as a reason reads it. */
    private record Range(byte[] prefix, int bits, String kind) {

        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (address[whole] & mask) == (prefix[whole] & mask);
        }
    }

    private static final List<Range> IPV4 = List.of(
            range("0.0.0.0/8", "this-network (any-local)"),
            range("10.0.0.0/8", "private"),
            range("100.64.0.0/10", "shared (CGNAT)"),
            range("127.0.0.0/8", "loopback"),
            range("169.254.0.0/16", "link-local"),
            range("172.16.0.0/12", "private"),
            range("192.0.0.0/24", "IETF protocol assignment"),
            range("192.0.2.0/24", "documentation (TEST-NET-1)"),
            range("192.31.196.0/24", "AS112"),
            range("192.52.193.0/24", "AMT"),
            range("192.88.99.0/24", "6to4 relay anycast"),
            range("192.168.0.0/16", "private"),
            range("192.175.48.0/24", "AS112 direct delegation"),
            range("198.18.0.0/15", "benchmarking"),
            range("198.51.100.0/24", "documentation (TEST-NET-2)"),
            range("203.0.113.0/24", "documentation (TEST-NET-3)"),
            range("224.0.0.0/4", "multicast"),
            range("240.0.0.0/4", "reserved"));

    private static final Range GLOBAL_UNICAST = range("2000::/3", "global unicast");
    /** Forms whose last or inner 32 bits are an IPv4 address, with where that address sits. */
    private static final Range IPV4_COMPATIBLE = range("::/96", "IPv4-compatible");

    private static final Range IPV4_MAPPED = range("::ffff:0:0/96", "IPv4-mapped");
    private static final Range NAT64 = range("64:ff9b::/96", "NAT64");
    private static final Range NAT64_LOCAL = range("64:ff9b:1::/48", "local-use NAT64");
    private static final Range SIX_TO_FOUR = range("2002::/16", "6to4");
    private static final Range TEREDO = range("2001::/32", "Teredo");

    private static final List<Range> IPV6 = List.of(
            range("::1/128", "loopback"),
            range("::/128", "unspecified (any-local)"),
            range("100::/64", "discard-only"),
            range("100:0:0:1::/64", "dummy prefix"),
            range("2001::/23", "IETF protocol assignment"),
            range("2001:db8::/32", "documentation"),
            range("2620:4f:8000::/48", "AS112 direct delegation"),
            range("3fff::/20", "documentation"),
            range("5f00::/16", "SRv6 SIDs"),
            range("fc00::/7", "private (unique local)"),
            range("fe80::/10", "link-local"),
            range("fec0::/10", "site-local"),
            range("ff00::/8", "multicast"));

    private SpecialAddresses() {}

    /** What kind of special-purpose address this is, or empty for one webhooks may go to. */
    static Optional<String> kind(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return IPV4.stream().filter(r -> r.contains(bytes)).map(Range::kind).findFirst();
        }
        if (!(address instanceof Inet6Address)) {
            return Optional.of("unknown");
        }
        for (Range range : IPV6) {
            if (range.contains(bytes) && !(range.bits() == 23 && TEREDO.contains(bytes))) {
                return Optional.of(range.kind());
            }
        }
        Optional<String> embedded = embedded(bytes);
        if (embedded.isPresent()) {
            return embedded;
        }
        return GLOBAL_UNICAST.contains(bytes) ? Optional.empty() : Optional.of("reserved (outside global unicast)");
    }

    /** An IPv6 form that carries an IPv4 address: refused as that form, naming the IPv4 address inside. */
    private static Optional<String> embedded(byte[] bytes) {
        String form;
        byte[] ipv4;
        if (IPV4_MAPPED.contains(bytes) || IPV4_COMPATIBLE.contains(bytes) || NAT64.contains(bytes)) {
            form = IPV4_MAPPED.contains(bytes)
                    ? IPV4_MAPPED.kind()
                    : IPV4_COMPATIBLE.contains(bytes) ? IPV4_COMPATIBLE.kind() : NAT64.kind();
            ipv4 = new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]};
        } else if (NAT64_LOCAL.contains(bytes)) {
            return Optional.of(NAT64_LOCAL.kind());
        } else if (SIX_TO_FOUR.contains(bytes)) {
            form = SIX_TO_FOUR.kind();
            ipv4 = new byte[] {bytes[2], bytes[3], bytes[4], bytes[5]};
        } else if (TEREDO.contains(bytes)) {
            form = TEREDO.kind();
            // the client's address, stored inverted in the last 32 bits
            ipv4 = new byte[] {(byte) ~bytes[12], (byte) ~bytes[13], (byte) ~bytes[14], (byte) ~bytes[15]};
        } else {
            return Optional.empty();
        }
        InetAddress inner;
        try {
            inner = InetAddress.getByAddress(ipv4);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        return Optional.of(kind(inner)
                .map(kind -> form + " of a " + kind + " address (" + inner.getHostAddress() + ")")
                .orElse(form + " (" + inner.getHostAddress() + ")"));
    }

    private static Range range(String cidr, String kind) {
        int slash = cidr.indexOf('/');
        try {
            // literals only: no name is looked up
            byte[] prefix = InetAddress.getByName(cidr.substring(0, slash)).getAddress();
            if (cidr.startsWith("::ffff:")) {
                prefix = new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0};
            }
            return new Range(prefix, Integer.parseInt(cidr.substring(slash + 1)), kind);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(cidr, e);
        }
    }
}
