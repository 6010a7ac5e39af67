package io.notifyhub.api.auth;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * An API key as stored: only the SHA-256 of the secret (the document's id), never the key itself.
 *
 * @param hash      SHA-256 (hex) of the whole key
 * @param keyId     the key's public part, shown in listings and used to revoke it
 * @param clientId  the client the key acts for; jobs belong to clients
 * @param admin     whether the key may see every client's jobs, replay dead letters and manage keys
 * @param revokedAt when the key was revoked; a revoked key is refused
 */
@Document(ApiKey.COLLECTION)
public record ApiKey(
        @Id String hash, String keyId, String clientId, boolean admin, Instant createdAt, Instant revokedAt) {

    public static final String COLLECTION = "api_keys";
}
