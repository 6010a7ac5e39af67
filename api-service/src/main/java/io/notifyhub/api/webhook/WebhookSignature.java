package io.notifyhub.api.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code Notifyhub-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">}, with one {@code v1} per
 * secret in force (two during a rotation's overlap, newest first; a receiver accepts the webhook when any matches).
 * The timestamp is signed with the body, so a receiver that refuses old timestamps also refuses replays.
 */
final class WebhookSignature {

    static final String HEADER = "Notifyhub-Signature";

    private WebhookSignature() {}

    static String header(List<byte[]> secrets, long timestamp, String body) {
        StringBuilder header = new StringBuilder("t=").append(timestamp);
        for (byte[] secret : secrets) {
            header.append(",v1=").append(hmac(secret, timestamp + "." + body));
        }
        return header.toString();
    }

    static String hmac(byte[] secret, String signed) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
