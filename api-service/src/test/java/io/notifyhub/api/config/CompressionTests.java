package io.notifyhub.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.notifyhub.api.support.ApiClient;
import io.notifyhub.api.support.ApiIntegrationTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Answers over {@code min-response-size} go gzipped to a client that accepts it; gzipped request bodies are
 * accepted up to the same caps as plain ones, measured inflated.
 */
class CompressionTests extends ApiIntegrationTest {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String SMS =
            "{\"type\":\"sms\",\"payload\":{\"phone\":\"+14155550123\",\"message\":\"hi %d\"}}";

    @Test
    void shouldGzipListPagesTheOpenApiDocumentAndTheConsoleForAClientThatAcceptsIt() {
        String batch =
                IntStream.range(0, 40).mapToObj(SMS::formatted).collect(Collectors.joining(",", "{\"jobs\":[", "]}"));
        assertThat(post("/api/jobs/batch", batch.getBytes(StandardCharsets.UTF_8), null)
                        .statusCode())
                .isEqualTo(201);

        for (String path : new String[] {"/api/jobs?limit=40", "/api/openapi", "/console/console.js"}) {
            HttpResponse<byte[]> gzipped = get(path, "gzip");
            HttpResponse<byte[]> plain = get(path, null);
            assertThat(gzipped.statusCode()).as(path).isEqualTo(200);
            assertThat(gzipped.headers().firstValue("Content-Encoding"))
                    .as(path)
                    .hasValue("gzip");
            assertThat(plain.headers().firstValue("Content-Encoding")).as(path).isEmpty();
            assertThat(gunzip(gzipped.body())).as(path).isEqualTo(plain.body());
            assertThat(gzipped.body().length).as(path).isLessThan(plain.body().length / 2);
        }
        HttpResponse<byte[]> small = get("/api/jobs?limit=1", "gzip");
        assertThat(small.headers().firstValue("Content-Encoding"))
                .as("under 2 KB: as it is")
                .isEmpty();
    }

    @Test
    void shouldAcceptGzippedBodiesAndRefuseOnesThatInflatePastTheCap() {
        HttpResponse<String> one = post("/api/jobs", gzip(SMS.formatted(1).getBytes(StandardCharsets.UTF_8)), "gzip");
        assertThat(one.statusCode()).as(one.body()).isEqualTo(201);
        String batch =
                IntStream.range(0, 200).mapToObj(SMS::formatted).collect(Collectors.joining(",", "{\"jobs\":[", "]}"));
        HttpResponse<String> many = post("/api/jobs/batch", gzip(batch.getBytes(StandardCharsets.UTF_8)), "gzip");
        assertThat(many.statusCode()).as(many.body()).isEqualTo(201);
        long stored = storedJobs();

        // 64 MB of spaces in a JSON body: about 64 KB gzipped, so it passes the 64 KB cap on the wire
        byte[] bomb = gzip(
                ("{\"type\":\"sms\",\"payload\":{}" + " ".repeat(64 << 20) + "}").getBytes(StandardCharsets.UTF_8));
        assertThat(bomb.length).isLessThan(64 * 1024);
        HttpResponse<String> refused = post("/api/jobs", bomb, "gzip");
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.body()).contains("inflates to more than 64 KB");
        // and the batch's cap (5 MB) alike
        byte[] batchBomb = gzip(("{\"jobs\":[" + " ".repeat(512 << 20) + "]}").getBytes(StandardCharsets.UTF_8));
        assertThat(post("/api/jobs/batch", batchBomb, "gzip").statusCode()).isEqualTo(413);

        HttpResponse<String> notGzip = post("/api/jobs", SMS.formatted(2).getBytes(StandardCharsets.UTF_8), "gzip");
        assertThat(notGzip.statusCode()).isEqualTo(400);
        assertThat(notGzip.body()).contains("\"field\":\"body\"", "not valid gzip");
        HttpResponse<String> brotli = post("/api/jobs", SMS.formatted(3).getBytes(StandardCharsets.UTF_8), "br");
        assertThat(brotli.statusCode()).isEqualTo(415);
        assertThat(brotli.headers().firstValue("Accept-Encoding")).hasValue("gzip");
        assertThat(brotli.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(storedJobs()).as("nothing stored by the refusals").isEqualTo(stored);
    }

    private HttpResponse<byte[]> get(String path, String acceptEncoding) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + ApiClient.TEST_KEY)
                .timeout(Duration.ofSeconds(30));
        if (acceptEncoding != null) {
            request.header("Accept-Encoding", acceptEncoding);
        }
        return send(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<String> post(String path, byte[] body, String contentEncoding) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + ApiClient.TEST_KEY)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30));
        if (contentEncoding != null) {
            request.header("Content-Encoding", contentEncoding);
        }
        return send(
                request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return HTTP.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] gunzip(byte[] zipped) {
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(zipped))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
