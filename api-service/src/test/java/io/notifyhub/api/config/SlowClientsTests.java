package io.notifyhub.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.notifyhub.api.job.JobApiTests;
import io.notifyhub.api.support.ApiClient;
import io.notifyhub.api.support.ApiIntegrationTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * One client cannot starve the others (issue #19): 300 connections of one client, each declaring a 60 KB body
 * and sending it a byte at a time, hold no thread and no submission slot while their bodies trickle in; another
 * client's submissions go through at once, the slow client is told it has too much open (here 6 MB), and the slow
 * bodies are cut off once they take longer than the body timeout. Nothing of the slow client is stored.
 */
@TestPropertySource(
        properties = {
            "notifyhub.api.body-timeout=4s",
            "server.tomcat.threads.max=50",
            "notifyhub.api.max-body-bytes-per-client=6MB"
        })
class SlowClientsTests extends ApiIntegrationTest {

    private static final int SLOW = 300;

    @Test
    void shouldServeOtherClientsWhileOneSendsHundredsOfBodiesSlowly() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < SLOW; i++) {
                slow.add(slowRequest());
            }
            Thread.sleep(500); // every slow request has its headers in, and a byte of its body

            ApiClient other = new ApiClient(port, ApiClient.OTHER_KEY);
            for (int i = 0; i < 20; i++) {
                long asked = System.nanoTime();
                HttpResponse<String> created = other.postJson(JobApiTests.WELCOME_EMAIL);
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                // with blocking reads it waits for the body timeout (10 s); the bound leaves room for a busy machine
                assertThat(Duration.ofNanos(System.nanoTime() - asked))
                        .as("another client's submission")
                        .isLessThan(Duration.ofSeconds(3));
            }

            try (Socket more = slowRequest()) {
                assertThat(read(more))
                        .as("one more of the slow client's, its 6 MB of bodies open")
                        .startsWith("HTTP/1.1 429");
            }

            // a slow body is cut off after the body timeout, with a 408 or the connection closed
            long refusedWithin = System.nanoTime();
            String answer = read(slow.getFirst());
            assertThat(answer).startsWith("HTTP/1.1 408");
            assertThat(Duration.ofNanos(System.nanoTime() - refusedWithin)).isLessThan(Duration.ofSeconds(8));
            for (Socket socket : slow.subList(1, slow.size())) {
                String status = read(socket);
                assertThat(status)
                        .as("every slow request is refused: too slow, or too many at once")
                        .matches("HTTP/1\\.1 (408|429).*|");
            }
            assertThat(storedJobs()).as("jobs stored: the other client's only").isEqualTo(20);
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    /** A request of the slow client: its headers, and one byte of the 60 KB body they declare. */
    private Socket slowRequest() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /api/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Authorization: Bearer " + ApiClient.TEST_KEY + "\r\nContent-Length: 60000\r\n\r\n{")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    /** The status line the server answered, or "" when it closed the connection without one. */
    private static String read(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
            line.append((char) b);
        }
        return line.toString().strip();
    }
}
