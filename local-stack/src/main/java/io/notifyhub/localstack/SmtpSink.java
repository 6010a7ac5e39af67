package io.notifyhub.localstack;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The local mail server: GreenMail takes every message sent to it over SMTP (no authentication, any
 * recipient), and a tiny HTTP endpoint lists what arrived, so a newcomer can see the mail
 * {@code ./run-local} delivered: {@code GET /messages} (JSON, oldest first), {@code DELETE /messages}.
 */
public final class SmtpSink implements AutoCloseable {

    private final GreenMail greenMail;
    private final HttpServer http;

    private SmtpSink(GreenMail greenMail, HttpServer http) {
        this.greenMail = greenMail;
        this.http = http;
    }

    /**
     * @param smtpPort SMTP on 127.0.0.1 (0: any free port)
     * @param httpPort the listing endpoint on 127.0.0.1 (0: any free port)
     */
    public static SmtpSink start(int smtpPort, int httpPort) throws IOException {
        ServerSetup smtp = new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        GreenMail greenMail = new GreenMail(smtpPort == 0 ? smtp.dynamicPort() : smtp)
                .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        greenMail.start();
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", httpPort), 0);
        SmtpSink sink = new SmtpSink(greenMail, http);
        http.createContext("/messages", sink::handle);
        http.start();
        return sink;
    }

    public int smtpPort() {
        return greenMail.getSmtp().getPort();
    }

    public int httpPort() {
        return http.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            switch (exchange.getRequestMethod()) {
                case "GET" -> respond(exchange, 200, list());
                case "DELETE" -> {
                    greenMail.purgeEmailFromAllMailboxes();
                    respond(exchange, 200, "[]");
                }
                default -> respond(exchange, 405, "{\"error\":\"GET or DELETE\"}");
            }
        } catch (Exception e) {
            respond(exchange, 500, "{\"error\":" + json(String.valueOf(e)) + "}");
        }
    }

    /** Every received message (one per recipient) as a JSON array. */
    String list() throws MessagingException, IOException {
        List<String> items = new ArrayList<>();
        for (MimeMessage message : greenMail.getReceivedMessages()) {
            String[] text = {null, null};
            collect(message, text);
            items.add("{\"messageId\":" + json(message.getMessageID())
                    + ",\"from\":" + json(addresses(message.getFrom()))
                    + ",\"to\":" + json(addresses(message.getRecipients(Message.RecipientType.TO)))
                    + ",\"replyTo\":" + json(addresses(message.getReplyTo()))
                    + ",\"subject\":" + json(message.getSubject())
                    + ",\"text\":" + json(text[0])
                    + ",\"html\":" + json(text[1]) + "}");
        }
        return "[" + String.join(",\n", items) + "]";
    }

    /** Finds the plain text ({@code [0]}) and HTML ({@code [1]}) parts. */
    private static void collect(Part part, String[] text) throws MessagingException, IOException {
        if (part.isMimeType("text/plain") && text[0] == null) {
            text[0] = String.valueOf(part.getContent());
        } else if (part.isMimeType("text/html") && text[1] == null) {
            text[1] = String.valueOf(part.getContent());
        } else if (part.getContent() instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                collect(child, text);
            }
        }
    }

    private static String addresses(Address[] addresses) {
        return addresses == null ? null
                : Arrays.stream(addresses).map(Address::toString).collect(Collectors.joining(", "));
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static String json(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    @Override
    public void close() {
        http.stop(0);
        greenMail.stop();
    }
}
