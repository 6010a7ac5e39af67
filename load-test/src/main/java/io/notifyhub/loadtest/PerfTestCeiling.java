package io.notifyhub.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RabbitMQ's own ceiling on this machine, in the same run: PerfTest (com.rabbitmq:perf-test) in a process of
 * its own, with what our path uses: a durable quorum queue, persistent messages, publisher confirms, manual
 * acks with prefetch.
 */
final class PerfTestCeiling {

    private static final Pattern RECEIVED = Pattern.compile("receiving rate avg: (\\d+) msg/s");
    private static final Pattern SENT = Pattern.compile("sending rate avg: (\\d+) msg/s");

    record Ceiling(long sentPerSecond, long receivedPerSecond, String command) {
    }

    static Ceiling measure(String amqpUri, int seconds, Path log) throws IOException, InterruptedException {
        String queue = "notifyhub.perftest." + UUID.randomUUID().toString().substring(0, 8);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "com.rabbitmq.perf.PerfTest", "--uri", amqpUri, "--queue", queue, "--quorum-queue",
                "--auto-delete", "false", "--flag", "persistent", "--confirm", "100", "--producers", "1",
                "--consumers", "2", "--qos", "50", "--size", "40", "--time", String.valueOf(seconds));
        Process perfTest = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!perfTest.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
            perfTest.destroyForcibly();
            throw new IllegalStateException("PerfTest did not finish; see " + log);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        deleteQueue(amqpUri, queue);
        return new Ceiling(rate(SENT, output), rate(RECEIVED, output),
                String.join(" ", command.subList(4, command.size())));
    }

    private static long rate(Pattern pattern, String output) {
        Matcher matcher = pattern.matcher(output);
        long last = 0;
        while (matcher.find()) {
            last = Long.parseLong(matcher.group(1));
        }
        return last;
    }

    private static void deleteQueue(String amqpUri, String queue) {
        com.rabbitmq.client.ConnectionFactory factory = new com.rabbitmq.client.ConnectionFactory();
        try {
            factory.setUri(amqpUri);
            try (var connection = factory.newConnection(); var channel = connection.createChannel()) {
                channel.queueDelete(queue);
            }
        } catch (Exception ignored) {
            // best effort: a leftover benchmark queue harms nothing
        }
    }
}
