package io.notifyhub.api.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The target check on its own: which hosts pass, which are refused and why, and what a POST is pinned to. */
class CallbackTargetsTests {

    private final CallbackTargets targets = new CallbackTargets(false, Duration.ofSeconds(1));

    @AfterEach
    void close() {
        targets.close();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "http://0.1.2.3/ | this-network",
                "http://10.0.0.1/ | private",
                "http://100.127.255.254/ | CGNAT",
                "http://127.255.0.1/ | loopback",
                "http://169.254.169.254/ | link-local",
                "http://172.31.255.255/ | private",
                "http://192.0.0.9/ | IETF protocol assignment",
                "http://192.0.2.1/ | documentation",
                "http://192.31.196.1/ | AS112",
                "http://192.52.193.1/ | AMT",
                "http://192.88.99.1/ | 6to4 relay",
                "http://192.168.0.1/ | private",
                "http://192.175.48.1/ | AS112",
                "http://198.19.255.255/ | benchmarking",
                "http://198.51.100.7/ | documentation",
                "http://203.0.113.7/ | documentation",
                "http://239.1.1.1/ | multicast",
                "http://250.0.0.1/ | reserved",
                "http://[::1]/ | loopback",
                "http://[::]/ | any-local",
                "'http://[::10.0.0.1]/' | IPv4-compatible of a private address (10.0.0.1)",
                "http://[64:ff9b::a00:1]/ | NAT64 of a private address (10.0.0.1)",
                "http://[64:ff9b::5db8:d70e]/ | NAT64 (93.184.215.14)",
                "http://[64:ff9b:1::1]/ | local-use NAT64",
                "http://[100::1]/ | discard-only",
                "http://[2001:2::1]/ | IETF protocol assignment",
                "http://[2001::5601:5601]/ | Teredo of a link-local address (169.254.169.254)",
                "http://[2001:db8:1::1]/ | documentation",
                "http://[2002:7f00:1::]/ | 6to4 of a loopback address (127.0.0.1)",
                "http://[2620:4f:8000::1]/ | AS112",
                "http://[3fff::1]/ | documentation",
                "http://[5f00::1]/ | SRv6",
                "http://[fc00::1]/ | unique local",
                "http://[fec0::1]/ | site-local",
                "http://[fe80::1]/ | link-local",
                "http://[ff05::2]/ | multicast",
                "http://[4000::1]/ | outside global unicast",
                // java.net.URI takes these for registry names, not hosts: refused before any address is judged
                "http://0x7f.1/ | no host",
                "http://0300.0250.0.1/ | no host",
                "http://256.1.1.1/ | no host",
                "http://1.2.3.4.5/ | no host",
                "http://0x1.0x100000000/ | no host",
                "http://0x7f000001/ | loopback",
                "http://030052000001/ | private",
                "http://3232235521/ | private",
                "http://localhost:8080/ | localhost name",
                "http://a.b.localhost./ | localhost name",
                "http://0x100000000/ | no IPv4 address",
                "http://99999999999/ | no IPv4 address",
                "http://[fe80::1%25eth0]/ | IPv6",
                "http://nothing.invalid/ | resolve"
            })
    void shouldRefuseEverySpecialPurposeAddressNamingWhatItIs(String url, String reason) {
        assertThat(targets.check(URI.create(url)))
                .isInstanceOfSatisfying(
                        CallbackTargets.Check.Refused.class,
                        refused -> assertThat(refused.reason()).contains(reason));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://93.184.215.14/hook",
                "http://8.8.8.8:8080/",
                "http://[2606:2800:220:1::1]/",
                "http://1.1.1.1/",
                "http://[2a00:1450:4001::1]/x"
            })
    void shouldAllowAPublicAddressAndPinThePostToIt(String url) throws Exception {
        CallbackTargets.Check check = targets.check(URI.create(url));

        assertThat(check).isInstanceOfSatisfying(CallbackTargets.Check.Allowed.class, allowed -> {
            String host = URI.create(url).getHost().replace("[", "").replace("]", "");
            assertThat(allowed.target().addresses())
                    .extracting(InetAddress::getHostAddress)
                    .singleElement()
                    .satisfies(address -> assertThat(canonical(address)).isEqualTo(canonical(host)));
        });
    }

    private static String canonical(String literal) {
        try {
            return InetAddress.getByName(literal).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldTellANameThatDidNotResolveFromATargetThatPointsInside() {
        assertThat(targets.check(URI.create("http://nothing.invalid/")))
                .isInstanceOfSatisfying(
                        CallbackTargets.Check.Refused.class,
                        refused -> assertThat(refused.lasting()).isFalse());
        assertThat(targets.check(URI.create("http://10.0.0.1/")))
                .isInstanceOfSatisfying(
                        CallbackTargets.Check.Refused.class,
                        refused -> assertThat(refused.lasting()).isTrue());
    }

    @Test
    void shouldCheckNoRangeWhenPrivateTargetsAreAllowedButStillPin() {
        try (CallbackTargets open = new CallbackTargets(true, Duration.ofSeconds(1))) {
            assertThat(open.check(URI.create("http://127.0.0.1:9/")))
                    .isInstanceOfSatisfying(
                            CallbackTargets.Check.Allowed.class,
                            allowed -> assertThat(allowed.target().addresses())
                                    .extracting(InetAddress::getHostAddress)
                                    .containsExactly("127.0.0.1"));
            assertThat(open.check(URI.create("http://nothing.invalid/")))
                    .isInstanceOf(CallbackTargets.Check.Refused.class);
        }
    }
}
