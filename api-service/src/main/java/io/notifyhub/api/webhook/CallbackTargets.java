package io.notifyhub.api.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Keeps webhooks off internal networks (server-side request forgery): a target whose host is, or resolves to,
 * a loopback, any-local, link-local (cloud metadata lives there), private (10/8, 172.16/12, 192.168/16,
 * fc00::/7), shared CGNAT (100.64/10) or multicast address is refused, unless private targets are allowed.
 * Checked when a job is accepted and again before every POST, as DNS answers change.
 */
public class CallbackTargets {

    private final boolean allowPrivate;

    public CallbackTargets(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** Why no webhook may go to this URL, or empty when it may. Resolves its host name. */
    public Optional<String> refusal(URI url) {
        if (allowPrivate) {
            return Optional.empty();
        }
        String host = url.getHost();
        if (host == null) {
            return Optional.of("has no host");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            // nothing to judge (yet): DNS may be down for a moment, and a POST to a name that does not resolve
            // goes nowhere; the check runs again before every POST
            return Optional.empty();
        }
        for (InetAddress address : addresses) {
            String kind = forbiddenKind(address);
            if (kind != null) {
                return Optional.of("must not be a " + kind + " address (" + host + " is " + address.getHostAddress()
                        + "); webhooks go to public addresses only");
            }
        }
        return Optional.empty();
    }

    /** What kind of internal address this is, or {@code null} for a public one. */
    static String forbiddenKind(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address.isAnyLocalAddress() || (address instanceof Inet4Address && bytes[0] == 0)) {
            return "any-local";
        }
        if (address.isLoopbackAddress()) {
            return "loopback";
        }
        if (address.isLinkLocalAddress()) {
            return "link-local";
        }
        if (address.isSiteLocalAddress() || (address instanceof Inet6Address && (bytes[0] & 0xfe) == 0xfc)) {
            return "private";
        }
        if (address instanceof Inet4Address && (bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64) {
            return "shared (CGNAT)";
        }
        if (address.isMulticastAddress()) {
            return "multicast";
        }
        return null;
    }
}
