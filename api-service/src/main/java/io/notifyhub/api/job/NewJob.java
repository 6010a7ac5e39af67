package io.notifyhub.api.job;

import io.notifyhub.model.Channel;
import io.notifyhub.model.Priority;
import io.notifyhub.model.store.Job;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.bson.types.ObjectId;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A validated request: the channel and the payload as it will be stored, its priority, and optionally when it
 * is due ({@code null}: at once) and where its status webhook goes.
 */
record NewJob(Channel type, Map<String, Object> payload, Priority priority, Instant scheduledAt, String callbackUrl) {

    private static final JsonMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    /** SHA-256 of the request in a canonical form: the same request gives the same value, whatever its key order. */
    /** The job to store for this request. */
    Job toJob(ObjectId id, Instant now) {
        Job job = Job.queued(id, type, payload, now).withPriority(priority).withCallback(callbackUrl);
        return scheduledAt == null ? job : job.scheduledFor(scheduledAt);
    }

    String fingerprint() {
        Map<String, Object> request = new HashMap<>();
        request.put("type", type.value());
        request.put("payload", payload);
        request.put("priority", priority.value());
        request.put("scheduledAt", scheduledAt == null ? null : scheduledAt.toString());
        request.put("callbackUrl", callbackUrl);
        byte[] canonical = CANONICAL.writeValueAsString(request).getBytes(StandardCharsets.UTF_8);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
