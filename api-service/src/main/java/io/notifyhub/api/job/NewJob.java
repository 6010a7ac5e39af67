package io.notifyhub.api.job;

import io.notifyhub.model.Channel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** A validated request: the channel and the payload as it will be stored. */
record NewJob(Channel type, Map<String, Object> payload) {

    private static final JsonMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    /** SHA-256 of the request in a canonical form: the same request gives the same value, whatever its key order. */
    String fingerprint() {
        byte[] canonical = CANONICAL.writeValueAsString(Map.of("payload", payload, "type", type.value()))
                .getBytes(StandardCharsets.UTF_8);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
