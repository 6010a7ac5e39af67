package io.notifyhub.localstack;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.user.UserManager;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The local mail server: GreenMail takes every message sent to it over SMTP (no authentication, any
 * recipient), and a tiny HTTP endpoint lists what arrived, so a newcomer can see the mail
 * {@code ./run-local} delivered: {@code GET /messages} (JSON, oldest first), {@code DELETE /messages}.
 *
 * <p>It keeps the mail of the {@code keep} recipients that received mail last. GreenMail makes a user and a
 * mailbox for each new recipient, keeps every message in memory, and finds a mailbox by walking all of them:
 * under load (a benchmark sends to a new address each time) each mail cost more than the one before, and the
 * sink took half of local-stack's CPU and most of its memory. Every second, the recipients past {@code keep}
 * whose last mail is oldest are removed with their mail.
 */
public final class SmtpSink implements AutoCloseable {

    /** Recipients whose mail is kept, unless told otherwise. */
    public static final int DEFAULT_KEEP = 5_000;

    private final GreenMail greenMail;
    private final HttpServer http;
    private final int keep;
    private final ScheduledExecutorService trimmer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "smtp-sink-trim");
        thread.setDaemon(true);
        return thread;
    });

    private SmtpSink(GreenMail greenMail, HttpServer http, int keep) {
        this.greenMail = greenMail;
        this.http = http;
        this.keep = keep;
    }

    /**
     * @param smtpPort SMTP on 127.0.0.1 (0: any free port)
     * @param httpPort the listing endpoint on 127.0.0.1 (0: any free port)
     */
    public static SmtpSink start(int smtpPort, int httpPort) throws IOException {
        return start(smtpPort, httpPort, DEFAULT_KEEP);
    }

    /** As {@link #start(int, int)}, keeping the mail of at most {@code keep} recipients (the latest). */
    public static SmtpSink start(int smtpPort, int httpPort, int keep) throws IOException {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1, not " + keep);
        }
        ServerSetup smtp = new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        GreenMail greenMail = new GreenMail(smtpPort == 0 ? smtp.dynamicPort() : smtp)
                .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        greenMail.start();
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", httpPort), 0);
        SmtpSink sink = new SmtpSink(greenMail, http, keep);
        http.createContext("/messages", sink::handle);
        http.start();
        sink.trimmer.scheduleWithFixedDelay(sink::trimQuietly, 1, 1, TimeUnit.SECONDS);
        return sink;
    }

    private void trimQuietly() {
        try {
            trim();
        } catch (RuntimeException e) {
            System.err.println("local-stack: could not trim the SMTP sink: " + e);
        }
    }

    /**
     * Removes the recipients past {@code keep} whose last mail is oldest, with their mail. A recipient with no mail
     * yet (made a moment ago, its first mail on its way) counts as the newest. Returns how many were removed.
     */
    int trim() {
        UserManager users = greenMail.getUserManager();
        List<GreenMailUser> all = new ArrayList<>(users.listUser());
        if (all.size() <= keep) {
            return 0;
        }
        ImapHostManager mailboxes = greenMail.getManagers().getImapHostManager();
        Map<GreenMailUser, Long> lastMail = new HashMap<>();
        for (GreenMailUser user : all) {
            long last = Long.MAX_VALUE;
            try {
                List<StoredMessage> messages = mailboxes.getInbox(user).getMessages();
                if (!messages.isEmpty()) {
                    last = messages.stream()
                            .mapToLong(m -> m.getReceivedDate().getTime())
                            .max()
                            .orElseThrow();
                }
            } catch (FolderException | RuntimeException e) {
                // no inbox yet: the newest
            }
            lastMail.put(user, last);
        }
        all.sort(Comparator.comparing(lastMail::get));
        int remove = all.size() - keep;
        for (GreenMailUser user : all.subList(0, remove)) {
            users.deleteUser(user);
        }
        return remove;
    }

    /** How many recipients the sink holds mail for (or a mailbox made for their first mail). */
    int recipients() {
        return greenMail.getUserManager().listUser().size();
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
                    // and the recipients' mailboxes, which GreenMail walks for each mail
                    new ArrayList<>(greenMail.getUserManager().listUser())
                            .forEach(greenMail.getUserManager()::deleteUser);
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
        return addresses == null
                ? null
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
        trimmer.shutdownNow();
        http.stop(0);
        greenMail.stop();
    }
}
