package io.notifyhub.worker.support;

import io.notifyhub.model.Channel;
import io.notifyhub.worker.provider.DeliveryRequest;
import io.notifyhub.worker.provider.DeliveryResult;
import io.notifyhub.worker.provider.NotificationProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A provider whose outcomes a test scripts per job id (sent when nothing is scripted), and which records
 * every call, so tests can count sends and read their timing.
 */
public class ScriptedProvider implements NotificationProvider {

    public static final String NAME = "scripted";

    private final String name;
    private final Map<String, Deque<DeliveryResult>> scripts = new ConcurrentHashMap<>();
    private final Map<String, List<Instant>> calls = new ConcurrentHashMap<>();
    private volatile DeliveryResult always;
    private volatile Error crash;
    private volatile Duration latency = Duration.ZERO;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();

    public ScriptedProvider() {
        this(NAME);
    }

    /** Another scripted provider, for a chain of several. */
    public ScriptedProvider(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<Channel> channels() {
        return EnumSet.allOf(Channel.class);
    }

    @Override
    public DeliveryResult send(DeliveryRequest request) {
        calls.computeIfAbsent(request.jobId(), id -> new ArrayList<>()).add(Instant.now());
        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
            return answer(request);
        } finally {
            running.decrementAndGet();
        }
    }

    private DeliveryResult answer(DeliveryRequest request) {
        if (!latency.isZero()) {
            try {
                Thread.sleep(latency.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (crash != null) {
            throw crash;
        }
        if (always != null) {
            return always;
        }
        Deque<DeliveryResult> script = scripts.get(request.jobId());
        DeliveryResult next = script == null ? null : script.poll();
        return next != null ? next : new DeliveryResult.Sent(name + "-" + request.jobId() + "-" + request.attempt());
    }

    public void script(String jobId, DeliveryResult... results) {
        scripts.put(jobId, new ArrayDeque<>(List.of(results)));
    }

    public void alwaysAnswer(DeliveryResult result) {
        this.always = result;
    }

    /** Every send throws this (null: stop throwing), as a job that crashes its worker would. */
    public void crashWith(Error error) {
        this.crash = error;
    }

    public void latency(Duration latency) {
        this.latency = latency;
    }

    /** The most calls that were running at the same time since the last {@link #reset}. */
    public int mostAtOnce() {
        return mostAtOnce.get();
    }

    public List<Instant> calls(String jobId) {
        return List.copyOf(calls.getOrDefault(jobId, List.of()));
    }

    public void reset() {
        scripts.clear();
        calls.clear();
        always = null;
        crash = null;
        latency = Duration.ZERO;
        mostAtOnce.set(0);
    }
}
