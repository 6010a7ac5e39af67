package io.notifyhub.api.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Keeps webhooks off internal networks (server-side request forgery). A target is refused when its host is, or
 * resolves to, any special-purpose address ({@link SpecialAddresses}), when it is a {@code localhost} name, when
 * it is an IPv4 address written other than as four decimal numbers ({@code 0x7f000001}, {@code 017700000001},
 * {@code 127.1}), or when it does not resolve (within {@code resolveTimeout}). The dispatcher connects to the
 * addresses this check resolved ({@link Target#addresses()}), never looking the name up a second time, so a DNS
 * answer that changes in between cannot lead it inside. With {@code allowPrivate} (tests, and webhooks to your own
 * network) the address ranges are not checked; a target must still resolve, and is still pinned.
 */
public class CallbackTargets implements AutoCloseable {

    private static final int MAX_URL = 2048;

    private final boolean allowPrivate;
    private final Duration resolveTimeout;
    /** Lookups block in native code: a few platform threads of their own, with a bounded queue. */
    private final ThreadPoolExecutor resolver;

    public CallbackTargets(boolean allowPrivate, Duration resolveTimeout) {
        this.allowPrivate = allowPrivate;
        this.resolveTimeout = resolveTimeout;
        this.resolver = new ThreadPoolExecutor(4, 4, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(256), runnable -> {
            Thread thread = new Thread(runnable, "webhook-target-resolver");
            thread.setDaemon(true);
            return thread;
        });
        this.resolver.allowCoreThreadTimeOut(true);
    }

    /** A target that passed the check: the URL and the addresses to connect to. */
    public record Target(URI url, String host, List<InetAddress> addresses) {}

    /** The outcome of a check: a target, or why not. */
    public sealed interface Check {
        record Allowed(Target target) implements Check {}

        /** @param lasting false when the target may pass later (its name did not resolve): worth a retry */
        record Refused(String reason, boolean lasting) implements Check {

            Refused(String reason) {
                this(reason, true);
            }
        }
    }

    /** Why no webhook may go to this URL (text as a client sent it), or empty when it may. */
    public Optional<String> checkUrl(String text) {
        URI url;
        try {
            url = text == null || text.length() > MAX_URL ? null : new URI(text);
        } catch (URISyntaxException e) {
            url = null;
        }
        if (url == null
                || !url.isAbsolute()
                || url.getHost() == null
                || url.getRawUserInfo() != null
                || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
            return Optional.of("must be an absolute http or https URL of at most " + MAX_URL
                    + " characters, without user information");
        }
        return check(url) instanceof Check.Refused refused ? Optional.of(refused.reason()) : Optional.empty();
    }

    /** Checks a URL's host, resolving a name once. */
    public Check check(URI url) {
        String given = url.getHost();
        if (given == null || given.isEmpty()) {
            return new Check.Refused("has no host");
        }
        String host = given.endsWith(".") ? given.substring(0, given.length() - 1) : given;
        host = host.toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            return literal(host.substring(1, host.length() - 1))
                    .map(address -> judge(given, List.of(address), url))
                    .orElseGet(() -> new Check.Refused("must have a valid host: " + given + " is no IPv6 address"));
        }
        if (looksNumeric(host)) {
            Optional<InetAddress> address = Ipv4Literals.parse(host);
            if (address.isEmpty()) {
                return new Check.Refused("must have a valid host: " + given + " is no IPv4 address");
            }
            Check judged = judge(given, List.of(address.get()), url);
            if (judged instanceof Check.Allowed
                    && !address.get().getHostAddress().equals(host)) {
                return new Check.Refused("must write an IPv4 address as four decimal numbers (" + given + " is "
                        + address.get().getHostAddress() + ")");
            }
            return judged;
        }
        if (!allowPrivate && (host.equals("localhost") || host.endsWith(".localhost"))) {
            return new Check.Refused("must not be a loopback address (" + given + " is a localhost name); webhooks "
                    + "go to public addresses only");
        }
        return resolve(host)
                .map(addresses -> judge(given, addresses, url))
                .orElseGet(() -> new Check.Refused(
                        "must have a host that resolves (" + given + " did not resolve " + "within "
                                + resolveTimeout.toMillis() + " ms)",
                        false));
    }

    private Check judge(String given, List<InetAddress> addresses, URI url) {
        if (!allowPrivate) {
            for (InetAddress address : addresses) {
                Optional<String> kind = SpecialAddresses.kind(address);
                if (kind.isPresent()) {
                    return new Check.Refused("must not be a " + kind.get() + " address (" + given + " is "
                            + address.getHostAddress() + "); webhooks go to public addresses only");
                }
            }
        }
        String host = url.getHost().startsWith("[")
                ? url.getHost().substring(1, url.getHost().length() - 1)
                : url.getHost();
        return new Check.Allowed(new Target(url, host, List.copyOf(addresses)));
    }

    /** The last label all digits, or hexadecimal with 0x: a browser or curl reads the host as an IPv4 address. */
    private static boolean looksNumeric(String host) {
        String last = host.substring(host.lastIndexOf('.') + 1);
        if (last.isEmpty()) {
            return false;
        }
        if (last.startsWith("0x")) {
            return true;
        }
        for (int i = 0; i < last.length(); i++) {
            if (!Character.isDigit(last.charAt(i)) || last.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static Optional<InetAddress> literal(String ipv6) {
        if (ipv6.indexOf(':') < 0 || ipv6.indexOf('%') >= 0) {
            return Optional.empty(); // not a literal, or one with a zone: no public address has one
        }
        try {
            return Optional.of(InetAddress.getByName(ipv6)); // a literal with a colon: nothing is looked up
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** The name's addresses, or empty when it does not resolve in time. */
    private Optional<List<InetAddress>> resolve(String host) {
        Future<InetAddress[]> lookup;
        try {
            lookup = resolver.submit(() -> InetAddress.getAllByName(host));
        } catch (RejectedExecutionException busy) {
            return Optional.empty();
        }
        try {
            InetAddress[] addresses = lookup.get(resolveTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return addresses.length == 0 ? Optional.empty() : Optional.of(List.of(addresses));
        } catch (ExecutionException | TimeoutException e) {
            lookup.cancel(true);
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        resolver.shutdownNow();
    }
}
