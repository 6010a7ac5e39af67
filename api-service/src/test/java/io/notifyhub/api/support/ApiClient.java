package io.notifyhub.api.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** Plain HTTP to the API under test, so tests see exactly what a client sees. */
public final class ApiClient {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The key of client {@code test}, registered for every integration test; what requests send by default. */
    public static final String TEST_KEY = "nhk_testclient_aaaaaaaaaaaaaaaaaaaaaaaa";
    /** The key of a second client, {@code other}, to show one client cannot see another's jobs. */
    public static final String OTHER_KEY = "nhk_otherclient_bbbbbbbbbbbbbbbbbbbbbbbb";
    /** An admin key, of client {@code ops}. */
    public static final String ADMIN_KEY = "nhk_testadmin_cccccccccccccccccccccccc";
    /** The value of {@code notifyhub.api.auth.bootstrap-keys} that registers the keys above. */
    public static final String BOOTSTRAP_KEYS =
            "test:" + TEST_KEY + ",other:" + OTHER_KEY + ",ops:" + ADMIN_KEY + ":admin";

    private final int port;
    private final String key;

    public ApiClient(int port) {
        this(port, TEST_KEY);
    }

    /** A client sending this API key ({@code null}: none). */
    public ApiClient(int port, String key) {
        this.port = port;
        this.key = key;
    }

    public ApiClient as(String otherKey) {
        return new ApiClient(port, otherKey);
    }

    public HttpResponse<String> post(String path, String contentType, String body) {
        return post(path, contentType, body, Map.of());
    }

    public HttpResponse<String> post(String path, String contentType, String body, Map<String, String> headers) {
        HttpRequest.Builder request = builder(path).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        return send(request.build());
    }

    public HttpResponse<String> postJson(String body) {
        return post("/api/jobs", "application/json", body);
    }

    public HttpResponse<String> put(String path, String contentType, String body) {
        return send(builder(path)
                .header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    public HttpResponse<String> get(String path) {
        return send(builder(path).GET().build());
    }

    public HttpResponse<String> delete(String path) {
        return send(builder(path).DELETE().build());
    }

    private HttpRequest.Builder builder(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return request;
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
