package io.notifyhub.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SmtpSinkTests {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldListWhatArrivedOverSmtpAndForgetItOnDelete() throws Exception {
        try (SmtpSink sink = SmtpSink.start(0, 0)) {
            Properties properties = new Properties();
            properties.put("mail.smtp.host", "127.0.0.1");
            properties.put("mail.smtp.port", String.valueOf(sink.smtpPort()));
            MimeMessage message = new MimeMessage(Session.getInstance(properties)) {
                @Override
                protected void updateMessageID() throws jakarta.mail.MessagingException {
                    setHeader("Message-ID", "<job-1@notifyhub>");
                }
            };
            message.setFrom(new InternetAddress("team@notifyhub.test"));
            message.setRecipient(Message.RecipientType.TO, new InternetAddress("ada@example.com"));
            message.setSubject("Welcome \"Ada\"");
            message.setText("Line one\nline two");
            Transport.send(message);

            String listed = get(sink, "GET");

            assertThat(listed)
                    .contains("\"messageId\":\"<job-1@notifyhub>\"")
                    .contains("\"to\":\"ada@example.com\"")
                    .contains("\"subject\":\"Welcome \\\"Ada\\\"\"")
                    .contains("\"text\":\"Line one\\r\\nline two")
                    .contains("\"html\":null");
            get(sink, "DELETE");
            assertThat(get(sink, "GET")).isEqualTo("[]");
        }
    }

    /** The sink keeps the mail of the latest recipients only, so neither its memory nor its cost per mail grows. */
    @Test
    void shouldKeepTheMailOfTheLatestRecipientsOnly() throws Exception {
        try (SmtpSink sink = SmtpSink.start(0, 0, 3)) {
            Properties properties = new Properties();
            properties.put("mail.smtp.host", "127.0.0.1");
            properties.put("mail.smtp.port", String.valueOf(sink.smtpPort()));
            Session session = Session.getInstance(properties);
            for (int i = 1; i <= 5; i++) {
                MimeMessage message = new MimeMessage(session);
                message.setFrom(new InternetAddress("team@notifyhub.test"));
                message.setRecipient(Message.RecipientType.TO, new InternetAddress("user" + i + "@example.com"));
                message.setSubject("Mail " + i);
                message.setText("Hello " + i);
                Transport.send(message);
                Thread.sleep(20); // received one after another
            }
            // trimmed in the background, within a second or two
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
            while (sink.recipients() > 3 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(sink.recipients()).isEqualTo(3);
            String listed = get(sink, "GET");
            assertThat(listed)
                    .contains("user3@example.com", "user4@example.com", "user5@example.com")
                    .doesNotContain("user1@example.com")
                    .doesNotContain("user2@example.com");
            assertThat(sink.trim()).isZero();
            get(sink, "DELETE");
            assertThat(sink.recipients()).as("recipients after DELETE").isZero();
        }
    }

    private String get(SmtpSink sink, String method) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sink.httpPort() + "/messages"))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
