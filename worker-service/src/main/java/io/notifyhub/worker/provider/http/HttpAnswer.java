package io.notifyhub.worker.provider.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * One HTTP answer as the providers read it: whatever the status, the body is read whole (the providers' answers are
 * small JSON documents), so no status turns into an exception and each provider classifies every one itself.
 */
public record HttpAnswer(int status, HttpHeaders headers, String body) {

    /**
     * Sends the request and reads its answer.
     *
     * @throws IOException no answer at all (the JDK client's own exception: a timeout is an
     *     {@link java.net.http.HttpTimeoutException})
     * @throws InterruptedException the thread was interrupted while it waited
     */
    public static HttpAnswer exchange(RestClient.RequestHeadersSpec<?> request)
            throws IOException, InterruptedException {
        try {
            return request.exchange(
                    (sent, response) -> new HttpAnswer(
                            response.getStatusCode().value(),
                            response.getHeaders(),
                            new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8)),
                    true);
        } catch (ResourceAccessException e) {
            if (!(e.getCause() instanceof IOException io)) {
                throw e;
            }
            if (io.getCause() instanceof InterruptedException) {
                Thread.interrupted(); // the caller sees the exception instead, as with the JDK client
                InterruptedException interrupted = new InterruptedException(io.getMessage());
                interrupted.initCause(io);
                throw interrupted;
            }
            throw io;
        }
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.getFirst(name));
    }
}
