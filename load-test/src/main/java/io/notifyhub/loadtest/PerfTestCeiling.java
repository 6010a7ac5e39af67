package io.notifyhub.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RabbitMQ's own ceiling on this machine, in the same run: PerfTest (com.rabbitmq:perf-test) in a process of
 * its own, with what our path uses: a durable quorum queue, persistent messages, publisher confirms, manual
 * acks with prefetch. Run flat out it gives the ceiling; run at a fixed rate it gives what the broker alone
 * costs at that rate (its CPU and the machine's, read while PerfTest runs).
 */
final class PerfTestCeiling {

    private static final Pattern RECEIVED = Pattern.compile("receiving rate avg: (\\d+) msg/s");
    private static final Pattern SENT = Pattern.compile("sending rate avg: (\\d+) msg/s");

    /**
     * What PerfTest did, and while it ran the CPU the broker took (null when its process is not known) and the
     * machine's (PerfTest's own included), each as a share of one core.
     */
    record Ceiling(
            long sentPerSecond,
            long receivedPerSecond,
            String command,
            Double brokerCpuPercent,
            double machineCpuPercent) {}

    /**
     * Runs PerfTest for {@code seconds}, flat out or at {@code rate} messages per second.
     *
     * @param broker the broker's process, to read its CPU
     */
    static Ceiling measure(String amqpUri, int seconds, OptionalInt rate, Optional<Long> broker, Path log)
            throws IOException, InterruptedException {
        String queue = "notifyhub.perftest." + UUID.randomUUID().toString().substring(0, 8);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(
                java,
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                "com.rabbitmq.perf.PerfTest",
                "--uri",
                amqpUri,
                "--queue",
                queue,
                "--quorum-queue",
                "--auto-delete",
                "false",
                "--flag",
                "persistent",
                "--confirm",
                "100",
                "--producers",
                "1",
                "--consumers",
                "2",
                "--qos",
                "50",
                "--size",
                "40",
                "--time",
                String.valueOf(seconds)));
        rate.ifPresent(perSecond -> command.addAll(List.of("--rate", String.valueOf(perSecond))));
        ProcessStats brokerBefore = broker.map(ProcessStats::ofOther).orElse(null);
        ProcessStats machineBefore = ProcessStats.machine();
        long started = System.nanoTime();
        Process perfTest = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!perfTest.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
            perfTest.destroyForcibly();
            throw new IllegalStateException("PerfTest did not finish; see " + log);
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        Double brokerCpu = broker.map(
                        pid -> (ProcessStats.ofOther(pid).cpuSeconds() - brokerBefore.cpuSeconds()) / elapsed * 100)
                .orElse(null);
        double machineCpu = (ProcessStats.machine().cpuSeconds() - machineBefore.cpuSeconds()) / elapsed * 100;
        String output = Files.readString(log, StandardCharsets.UTF_8);
        deleteQueue(amqpUri, queue);
        return new Ceiling(
                rate(SENT, output),
                rate(RECEIVED, output),
                String.join(" ", command.subList(4, command.size())),
                brokerCpu,
                machineCpu);
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
            try (var connection = factory.newConnection();
                    var channel = connection.createChannel()) {
                channel.queueDelete(queue);
            }
        } catch (Exception ignored) {
            // best effort: a leftover benchmark queue harms nothing
        }
    }
}
