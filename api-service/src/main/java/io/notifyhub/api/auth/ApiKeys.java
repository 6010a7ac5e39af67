package io.notifyhub.api.auth;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import com.github.benmanes.caffeine.cache.LoadingCache;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.domain.Sort;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.index.Index;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;

/**
 * Creates, revokes and checks API keys. A key is {@code nhk_<keyId>_<secret>}: 160 random bits of secret,
 * stored only as a SHA-256 hash (a fast hash is enough for a random key, as for GitHub's or Stripe's
 * tokens; a slow one would only make every request slower). Lookups are cached per key and refreshed after
 * {@code cacheFor}, so a revocation takes effect on every replica within about {@code cacheFor}.
 */
@Service
public class ApiKeys {

    private static final Pattern CLIENT_ID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}");
    private static final Pattern KEY = Pattern.compile("nhk_([a-z0-9]{8,32})_[A-Za-z0-9_-]{16,128}");
    /** The longest key the pattern allows: checked before the pattern runs. */
    private static final int MAX_KEY = 4 + 32 + 1 + 128;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final MongoOperations mongo;
    private final Clock clock;
    private final LoadingCache<String, Optional<Caller>> cache;

    public ApiKeys(MongoOperations mongo, Clock clock, AuthProperties properties) {
        this.mongo = mongo;
        this.clock = clock;
        this.cache = properties.cache(this::lookUp);
    }

    /** A new key for a client; the only time the key itself is seen. */
    public CreatedKey create(String clientId, boolean admin) {
        byte[] secret = new byte[20];
        RANDOM.nextBytes(secret);
        byte[] id = new byte[5];
        RANDOM.nextBytes(id);
        String keyId = HexFormat.of().formatHex(id);
        String key =
                "nhk_" + keyId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        store(key, keyId, clientId, admin);
        return new CreatedKey(keyId, key, clientId, admin);
    }

    /** Registers a key chosen elsewhere (the bootstrap keys of the configuration); nothing if it exists. */
    public void register(String key, String clientId, boolean admin) {
        var matcher = KEY.matcher(key);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("an API key must look like nhk_<8-32 lowercase letters or digits>_"
                    + "<16-128 characters of A-Z a-z 0-9 _ ->");
        }
        if (mongo.findById(hash(key), ApiKey.class) == null) {
            try {
                store(key, matcher.group(1), clientId, admin);
            } catch (DuplicateKeyException anotherReplicaRegisteredIt) {
                // the same key from the same configuration: nothing to do
            }
        }
    }

    private void store(String key, String keyId, String clientId, boolean admin) {
        if (!isValidClientId(clientId)) {
            throw new IllegalArgumentException("a client id is 1 to 64 letters, digits, '.', '_' or '-'");
        }
        mongo.insert(new ApiKey(hash(key), keyId, clientId, admin, clock.instant(), null));
    }

    /** Revokes a key by its public id. */
    public boolean revoke(String keyId) {
        boolean revoked = mongo.updateFirst(
                                Query.query(where("keyId")
                                        .is(keyId)
                                        .and("revokedAt")
                                        .is(null)),
                                Update.update("revokedAt", clock.instant()),
                                ApiKey.class)
                        .getModifiedCount()
                > 0;
        cache.invalidateAll();
        return revoked;
    }

    /** Keys of a client (all clients when {@code null}), newest first, without their secrets. */
    public List<ApiKey> list(String clientId) {
        Query query =
                clientId == null ? new Query() : Query.query(where("clientId").is(clientId));
        return mongo.find(query.with(Sort.by(Sort.Direction.DESC, "createdAt")), ApiKey.class);
    }

    /** The caller a bearer token stands for, if it is a live key. */
    public Optional<Caller> authenticate(String token) {
        if (token == null || token.length() > MAX_KEY || !KEY.matcher(token).matches()) {
            return Optional.empty();
        }
        return cache.get(hash(token));
    }

    private Optional<Caller> lookUp(String hash) {
        return Optional.ofNullable(mongo.findById(hash, ApiKey.class))
                .filter(key -> key.revokedAt() == null)
                .map(key -> new Caller(key.clientId(), key.admin()));
    }

    public void createIndexes() {
        mongo.indexOps(ApiKey.class)
                .createIndex(new Index().on("keyId", Sort.Direction.ASC).unique());
        mongo.indexOps(ApiKey.class)
                .createIndex(new Index().on("clientId", Sort.Direction.ASC).on("createdAt", Sort.Direction.DESC));
    }

    public static boolean isValidClientId(String clientId) {
        return clientId != null
                && clientId.length() <= 64
                && CLIENT_ID.matcher(clientId).matches();
    }

    static String hash(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key just made: {@code key} is shown once and never again. */
    public record CreatedKey(String keyId, String key, String clientId, boolean admin) {}
}
