package io.notifyhub.api.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.InMemoryDnsResolver;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.util.Timeout;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;

/**
 * The HTTP plumbing of one webhook POST: an Apache HttpClient that can reach only the addresses {@link CallbackTargets}
 * checked (no second DNS lookup, no redirects, no retries), and Spring's request factory over it that lets the
 * dispatcher's deadline cancel the request.
 */
final class PinnedHttp {

    private PinnedHttp() {}

    /**
     * Spring's factory over the pinned client that keeps hold of the request it creates, so the deadline can cancel
     * it (and a request created after the deadline is cancelled at once).
     */
    static final class CancellableRequests extends HttpComponentsClientHttpRequestFactory {
        private final AtomicReference<HttpUriRequestBase> created;
        private final AtomicBoolean cutOff;

        CancellableRequests(
                CloseableHttpClient http, AtomicReference<HttpUriRequestBase> created, AtomicBoolean cutOff) {
            super(http);
            this.created = created;
            this.cutOff = cutOff;
        }

        @Override
        protected ClassicHttpRequest createHttpUriRequest(HttpMethod method, URI uri) {
            ClassicHttpRequest request = super.createHttpUriRequest(method, uri);
            if (request instanceof HttpUriRequestBase cancellable) {
                created.set(cancellable);
                if (cutOff.get()) {
                    cancellable.cancel();
                }
            }
            return request;
        }
    }

    /**
     * A client for one POST that can reach only the checked addresses: its resolver knows the target's host and
     * nothing else. (The body is not read: the connection is closed with the client.)
     */
    static CloseableHttpClient client(CallbackTargets.Target target, Duration connectTimeout, Duration readTimeout) {
        InMemoryDnsResolver pinned = new InMemoryDnsResolver();
        InetAddress[] addresses = target.addresses().toArray(InetAddress[]::new);
        pinned.add(target.host(), addresses);
        pinned.add("[" + target.host() + "]", addresses); // an IPv6 literal, however the client names it
        Timeout connect = Timeout.of(connectTimeout);
        Timeout read = Timeout.of(readTimeout);
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(pinned)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(connect)
                                .setSocketTimeout(read)
                                .build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(read)
                        .setRedirectsEnabled(false)
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .build();
    }
}
