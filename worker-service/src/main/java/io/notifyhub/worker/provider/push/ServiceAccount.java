package io.notifyhub.worker.provider.push;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The parts of a Google service account key that FCM needs. */
record ServiceAccount(
        String projectId, String clientEmail, String privateKeyId, RSAPrivateKey privateKey, URI tokenUri) {

    static ServiceAccount from(FcmProperties properties) {
        String json = properties.serviceAccountJson();
        if (json == null || json.isBlank()) {
            try {
                json = Files.readString(properties.serviceAccountFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read notifyhub.providers.fcm.service-account-file", e);
            }
        }
        JsonNode key = JsonMapper.builder().build().readTree(json);
        String projectId = properties.projectId() != null ? properties.projectId() : text(key, "project_id");
        URI tokenUri = properties.tokenUri() != null ? properties.tokenUri() : URI.create(text(key, "token_uri"));
        return new ServiceAccount(
                projectId,
                text(key, "client_email"),
                text(key, "private_key_id"),
                privateKey(text(key, "private_key")),
                tokenUri);
    }

    private static String text(JsonNode key, String field) {
        JsonNode value = key.get(field);
        if (value == null || !value.isString() || value.asString().isBlank()) {
            throw new IllegalArgumentException("the FCM service account has no " + field);
        }
        return value.asString();
    }

    private static RSAPrivateKey privateKey(String pem) {
        String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        try {
            return (RSAPrivateKey) KeyFactory.getInstance("RSA")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the FCM service account's private_key is not a PKCS#8 RSA key", e);
        }
    }
}
