package io.notifyhub.api.auth;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.time.Clock;
import java.util.Optional;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.stereotype.Service;

/** Each client's settings, cached like API keys: read again in the background once {@code cacheFor} old. */
@Service
public class Clients {

    private final MongoOperations mongo;
    private final Clock clock;
    private final LoadingCache<String, Optional<ClientSettings>> cache;

    public Clients(MongoOperations mongo, Clock clock, AuthProperties properties) {
        this.mongo = mongo;
        this.clock = clock;
        this.cache = Caffeine.newBuilder().maximumSize(10_000)
                .refreshAfterWrite(properties.cacheFor())
                .expireAfterWrite(properties.cacheFor().multipliedBy(6))
                .build(clientId -> Optional.ofNullable(mongo.findById(clientId, ClientSettings.class)));
    }

    /** The client's settings; empty for a client no admin has set anything for (or for no client). */
    public Optional<ClientSettings> settings(String clientId) {
        return clientId == null ? Optional.empty() : cache.get(clientId);
    }

    /** The webhook a client's job gets when it names none. */
    public Optional<String> defaultCallbackUrl(String clientId) {
        return settings(clientId).map(ClientSettings::callbackUrl);
    }

    public ClientSettings update(String clientId, String callbackUrl, String webhookSecret) {
        ClientSettings settings = mongo.save(new ClientSettings(clientId, callbackUrl, webhookSecret, clock.instant()));
        cache.invalidate(clientId);
        return settings;
    }
}
