package io.notifyhub.worker.provider.email;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal SMTP server over TCP for the replies GreenMail never gives: it answers {@code RCPT TO} with a
 * chosen reply (such as {@code 550 5.1.1 no such user} or {@code 451 4.3.0 try later}), or, when silent,
 * accepts connections and never says a word. Accepting, it takes every message and counts connections and
 * messages, and it can drop its open connections as a server does with idle ones.
 */
final class ScriptedSmtpServer implements AutoCloseable {

    private static final String ACCEPT = "250 2.1.5 ok";

    private final ServerSocket socket;
    private final String rcptReply;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger messages = new AtomicInteger();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final java.util.Set<Integer> mailing = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private ScriptedSmtpServer(String rcptReply) {
        this.rcptReply = rcptReply;
        try {
            this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().name("scripted-smtp").start(this::serve);
    }

    static ScriptedSmtpServer replyingToRcpt(String reply) {
        return new ScriptedSmtpServer(reply);
    }

    static ScriptedSmtpServer silent() {
        return new ScriptedSmtpServer(null);
    }

    static ScriptedSmtpServer accepting() {
        return new ScriptedSmtpServer(ACCEPT);
    }

    /** Connections accepted so far. */
    int connections() {
        return connections.get();
    }

    /** Messages taken (DATA ended with 250) so far. */
    int messages() {
        return messages.get();
    }

    /** Connections that carried a {@code MAIL FROM}. */
    int mailingConnections() {
        return mailing.size();
    }

    /** Closes every open connection without a word, as a server does with idle ones. */
    void dropConnections() throws IOException {
        for (Socket client : open) {
            client.close();
        }
    }

    int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                connections.incrementAndGet();
                open.add(client);
                Thread.ofVirtual().start(() -> converse(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void converse(Socket client) {
        try (client) {
            if (rcptReply == null) {
                client.getInputStream().read(); // say nothing until the client gives up
                return;
            }
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = client.getOutputStream();
            reply(out, "220 scripted ESMTP");
            for (String line; (line = in.readLine()) != null; ) {
                String command = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                switch (command) {
                    case "EHLO", "HELO" -> reply(out, "250 scripted");
                    case "MAIL" -> {
                        mailing.add(client.getPort());
                        reply(out, "250 2.1.0 ok");
                    }
                    case "RCPT" -> reply(out, rcptReply);
                    case "DATA" -> {
                        reply(out, "354 go ahead");
                        for (String data; (data = in.readLine()) != null && !data.equals("."); ) {
                            // the message; only its end matters here
                        }
                        messages.incrementAndGet();
                        reply(out, "250 2.0.0 queued");
                    }
                    case "RSET", "NOOP" -> reply(out, "250 ok");
                    case "QUIT" -> {
                        reply(out, "221 bye");
                        return;
                    }
                    default -> reply(out, "502 5.5.2 not implemented");
                }
            }
        } catch (IOException ignored) {
            // the client hung up, or the server dropped the connection
        } finally {
            open.remove(client);
        }
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
