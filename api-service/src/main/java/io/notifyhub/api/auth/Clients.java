package io.notifyhub.api.auth;

import static org.springframework.data.mongodb.core.query.Criteria.where;

import com.github.benmanes.caffeine.cache.LoadingCache;
import io.notifyhub.api.job.EmailAddresses;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.mongodb.core.FindAndModifyOptions;
import org.springframework.data.mongodb.core.MongoOperations;
import org.springframework.data.mongodb.core.query.Query;
import org.springframework.data.mongodb.core.query.Update;
import org.springframework.stereotype.Service;

/**
 * Each client's settings ({@link ClientSettings}), cached like API keys: read again in the background once
 * {@code cacheFor} old. Every change is one update of the fields it changes, so two admins changing different
 * settings at once do not undo each other.
 */
@Service
public class Clients {

    private static final SecureRandom RANDOM = new SecureRandom();
    static final String SECRET_PREFIX = "whsec_";

    private final MongoOperations mongo;
    private final Clock clock;
    private final LoadingCache<String, Optional<ClientSettings>> cache;

    public Clients(MongoOperations mongo, Clock clock, AuthProperties properties) {
        this.mongo = mongo;
        this.clock = clock;
        this.cache = properties.cache(clientId -> Optional.ofNullable(mongo.findById(clientId, ClientSettings.class)));
    }

    /** The client's settings; empty for a client no admin has set anything for (or for no client). */
    public Optional<ClientSettings> settings(String clientId) {
        return clientId == null ? Optional.empty() : cache.get(clientId);
    }

    /** The webhook a client's job gets when it names none. */
    public Optional<String> defaultCallbackUrl(String clientId) {
        return settings(clientId).map(ClientSettings::callbackUrl);
    }

    /**
     * Whether the client may send email from this address: it, or its whole domain, is one of the client's
     * verified senders. A client with none may only leave {@code from} out.
     */
    public boolean maySendAs(String clientId, EmailAddresses.Address address) {
        List<String> senders = settings(clientId).map(ClientSettings::senders).orElse(List.of());
        String exact = address.normalized().toLowerCase(Locale.ROOT);
        return senders.contains(exact) || senders.contains(address.domain());
    }

    /** How long the client's finished jobs are kept, when it has a retention of its own. */
    public Optional<Duration> retention(String clientId) {
        return settings(clientId).map(ClientSettings::retentionSeconds).map(Duration::ofSeconds);
    }

    /** A change of some settings; a {@code null} field of this record is left as it is. */
    public record Change(
            Optional<String> callbackUrl,
            Optional<String> webhookSecret,
            Optional<List<String>> senders,
            Optional<Duration> retention) {}

    /**
     * Sets the settings a change names (an empty optional unsets that one), keeping the others. A secret set here
     * replaces the current one at once, without overlap.
     */
    public ClientSettings update(String clientId, Change change) {
        Update update = new Update().set("updatedAt", clock.instant());
        if (change.callbackUrl() != null) {
            setOrUnset(update, "callbackUrl", change.callbackUrl());
        }
        if (change.webhookSecret() != null) {
            setOrUnset(update, "webhookSecret", change.webhookSecret());
            update.unset("previousWebhookSecret").unset("previousSecretUntil");
        }
        if (change.senders() != null) {
            update.set("senders", change.senders().orElse(List.of()));
        }
        if (change.retention() != null) {
            if (change.retention().isPresent()) {
                update.set("retentionSeconds", change.retention().get().toSeconds());
            } else {
                update.unset("retentionSeconds");
            }
        }
        return write(clientId, update);
    }

    private static void setOrUnset(Update update, String field, Optional<String> value) {
        if (value.isPresent()) {
            update.set(field, value.get());
        } else {
            update.unset(field);
        }
    }

    /**
     * A new signing secret for the client; the one it replaces keeps signing too (a second signature) for
     * {@code overlap}, so receivers can switch without missing a webhook.
     *
     * @return the settings with the new secret; the only time it is shown
     */
    public ClientSettings rotateSecret(String clientId, Duration overlap) {
        ClientSettings current = mongo.findById(clientId, ClientSettings.class);
        Update update = new Update().set("webhookSecret", newSecret()).set("updatedAt", clock.instant());
        if (current != null && current.webhookSecret() != null && !overlap.isZero()) {
            update.set("previousWebhookSecret", current.webhookSecret())
                    .set("previousSecretUntil", clock.instant().plus(overlap));
        } else {
            update.unset("previousWebhookSecret").unset("previousSecretUntil");
        }
        return write(clientId, update);
    }

    /**
     * The secrets the client's webhooks are signed with now: its own, generated on first need if it has none, and
     * the one before the last rotation while its overlap lasts.
     */
    public List<byte[]> signingSecrets(String clientId) {
        ClientSettings settings =
                settings(clientId).filter(s -> s.webhookSecret() != null).orElse(null);
        if (settings == null) {
            ensureSecret(clientId);
            settings = settings(clientId)
                    .filter(s -> s.webhookSecret() != null)
                    .orElseThrow(() -> new IllegalStateException("client " + clientId + " has no webhook secret"));
        }
        List<byte[]> secrets = new ArrayList<>(2);
        secrets.add(settings.webhookSecret().getBytes(StandardCharsets.UTF_8));
        if (settings.previousWebhookSecret() != null
                && settings.previousSecretUntil() != null
                && clock.instant().isBefore(settings.previousSecretUntil())) {
            secrets.add(settings.previousWebhookSecret().getBytes(StandardCharsets.UTF_8));
        }
        return secrets;
    }

    /**
     * Gives the client a secret if it has none: one secret whichever replicas ask at once (the first write wins;
     * the others find the client has one).
     *
     * @return the secret when this call made it, to be shown once; empty when the client had one
     */
    public Optional<String> ensureSecret(String clientId) {
        Query none = Query.query(where("_id").is(clientId).and("webhookSecret").exists(false));
        String secret = newSecret();
        Update update = new Update().set("webhookSecret", secret).set("updatedAt", clock.instant());
        try {
            ClientSettings made = mongo.findAndModify(
                    none, update, FindAndModifyOptions.options().upsert(true).returnNew(true), ClientSettings.class);
            return made != null && secret.equals(made.webhookSecret()) ? Optional.of(secret) : Optional.empty();
        } catch (DuplicateKeyException hasOne) {
            return Optional.empty(); // the client is there with a secret: no match, and the insert collided
        } finally {
            cache.invalidate(clientId);
        }
    }

    private ClientSettings write(String clientId, Update update) {
        ClientSettings settings = mongo.findAndModify(
                Query.query(where("_id").is(clientId)),
                update,
                FindAndModifyOptions.options().upsert(true).returnNew(true),
                ClientSettings.class);
        cache.invalidate(clientId);
        return settings;
    }

    private static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
