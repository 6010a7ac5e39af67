package io.notifyhub.worker.provider.http;

import java.net.http.HttpClient;
import java.time.Duration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The RestClient of one HTTP provider: built from Spring's {@link RestClient.Builder} (the auto-configured one in
 * the application, so each call is observed: {@code http.client.requests} metrics, a client span and
 * {@code traceparent}), over the JDK client the providers always used: HTTP/1.1, a connect timeout, and a timeout
 * for the whole answer of each request.
 */
public final class ProviderHttp {

    private ProviderHttp() {}

    public static RestClient client(
            RestClient.Builder builder, String baseUrl, Duration connectTimeout, Duration timeout) {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .build();
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(http);
        requests.setReadTimeout(timeout);
        return builder.clone()
                .requestFactory(requests)
                .baseUrl(baseUrl.replaceAll("/+$", ""))
                .build();
    }
}
