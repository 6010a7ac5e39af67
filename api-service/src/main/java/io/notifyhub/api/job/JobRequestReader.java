package io.notifyhub.api.job;

import io.notifyhub.api.auth.Clients;
import io.notifyhub.api.webhook.CallbackTargets;
import io.notifyhub.model.Channel;
import io.notifyhub.model.Priority;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * Turns a request body into a {@link NewJob}, or refuses it naming every bad field. Strict: unknown fields
 * and values of the wrong JSON type are refused rather than ignored or coerced.
 */
@Component
class JobRequestReader {

    private static final String TYPES =
            Arrays.stream(Channel.values()).map(Channel::value).collect(Collectors.joining(", "));

    private final JsonMapper strict = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .withCoercionConfig(
                    LogicalType.Textual,
                    c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                            .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();
    private static final String PRIORITIES =
            Arrays.stream(Priority.values()).map(Priority::value).collect(Collectors.joining(", "));
    private static final Set<String> FIELDS = Set.of("type", "payload", "priority", "scheduledAt", "callbackUrl");
    static final Duration MAX_SCHEDULE_AHEAD = Duration.ofDays(30);

    private final Validator validator;
    private final Clock clock;
    private final CallbackTargets callbackTargets;
    private final Clients clients;

    JobRequestReader(Validator validator, Clock clock, CallbackTargets callbackTargets, Clients clients) {
        this.validator = validator;
        this.clock = clock;
        this.callbackTargets = callbackTargets;
        this.clients = clients;
    }

    /**
     * @param clientId the client the job is for: an email's {@code from} must be a sender verified for it
     */
    NewJob read(JsonNode body, String clientId) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException("body", "must be a JSON object with type and payload");
        }
        List<FieldProblem> problems = new ArrayList<>();
        body.propertyNames().stream()
                .filter(name -> !FIELDS.contains(name))
                .forEach(name -> problems.add(new FieldProblem(name, "unknown field")));
        Channel type = readType(body.get("type"), problems);
        Priority priority = readPriority(body.get("priority"), problems);
        Instant scheduledAt = readScheduledAt(body.get("scheduledAt"), problems);
        String callbackUrl = readCallbackUrl(body.get("callbackUrl"), problems);
        JsonNode payload = body.get("payload");
        if (payload == null || payload.isNull()) {
            problems.add(new FieldProblem("payload", "is required"));
        } else if (!payload.isObject()) {
            problems.add(new FieldProblem("payload", "must be a JSON object"));
        } else if (type != null) {
            Object typed = readPayload(type, payload, problems);
            if (typed instanceof EmailPayload email && problems.isEmpty()) {
                checkSender(email, clientId, problems);
            }
            if (typed != null && problems.isEmpty()) {
                return new NewJob(type, toMap(typed), priority, scheduledAt, callbackUrl);
            }
        }
        throw new InvalidRequestException(problems);
    }

    /** A {@code from} must be an address or a domain an admin verified for the client; without one, none is. */
    private void checkSender(EmailPayload email, String clientId, List<FieldProblem> problems) {
        if (email.from() == null) {
            return; // the worker's default sender
        }
        EmailAddresses.parseMailbox(email.from())
                .filter(address -> !clients.maySendAs(clientId, address))
                .ifPresent(
                        address -> problems.add(
                                new FieldProblem(
                                        "payload.from",
                                        address.normalized()
                                                + " is not a sender verified for this client; an admin verifies addresses or domains with "
                                                + "PUT /api/admin/clients/{clientId} (senders), or leave from out for the default sender")));
    }

    private static Priority readPriority(JsonNode priority, List<FieldProblem> problems) {
        if (priority == null || priority.isNull()) {
            return Priority.NORMAL;
        }
        Priority known =
                priority.isString() ? Priority.find(priority.asString()).orElse(null) : null;
        if (known == null) {
            problems.add(new FieldProblem("priority", "must be one of " + PRIORITIES));
        }
        return known;
    }

    /** An ISO-8601 instant with an offset, in the future and at most {@code maxScheduleAhead} away. */
    private Instant readScheduledAt(JsonNode scheduledAt, List<FieldProblem> problems) {
        if (scheduledAt == null || scheduledAt.isNull()) {
            return null;
        }
        Instant at;
        try {
            at = scheduledAt.isString()
                    ? OffsetDateTime.parse(scheduledAt.asString()).toInstant()
                    : null;
        } catch (DateTimeParseException e) {
            at = null;
        }
        if (at == null) {
            problems.add(new FieldProblem(
                    "scheduledAt", "must be an ISO-8601 date-time with an offset, " + "e.g. 2030-01-01T09:00:00Z"));
            return null;
        }
        Instant now = clock.instant();
        if (!at.isAfter(now)) {
            problems.add(new FieldProblem("scheduledAt", "must be in the future"));
        } else if (at.isAfter(now.plus(MAX_SCHEDULE_AHEAD))) {
            problems.add(
                    new FieldProblem("scheduledAt", "must be at most " + MAX_SCHEDULE_AHEAD.toDays() + " days ahead"));
        }
        return at;
    }

    /** An absolute http or https URL, not on an internal network (see {@link CallbackTargets}). */
    private String readCallbackUrl(JsonNode callbackUrl, List<FieldProblem> problems) {
        if (callbackUrl == null || callbackUrl.isNull()) {
            return null;
        }
        if (!callbackUrl.isString()) {
            problems.add(new FieldProblem("callbackUrl", "must be an absolute http or https URL"));
            return null;
        }
        String refused = callbackTargets.checkUrl(callbackUrl.asString()).orElse(null);
        if (refused != null) {
            problems.add(new FieldProblem("callbackUrl", refused));
            return null;
        }
        return callbackUrl.asString();
    }

    private static Channel readType(JsonNode type, List<FieldProblem> problems) {
        if (type == null || type.isNull()) {
            problems.add(new FieldProblem("type", "is required; one of " + TYPES));
            return null;
        }
        Channel channel = type.isString() ? Channel.find(type.asString()).orElse(null) : null;
        if (channel == null) {
            problems.add(new FieldProblem("type", "must be one of " + TYPES));
        }
        return channel;
    }

    private Object readPayload(Channel type, JsonNode payload, List<FieldProblem> problems) {
        Class<?> payloadClass = switch (type) {
            case EMAIL -> EmailPayload.class;
            case SMS -> SmsPayload.class;
            case PUSH -> PushPayload.class;
        };
        Object typed;
        try {
            typed = strict.treeToValue(payload, payloadClass);
        } catch (UnrecognizedPropertyException e) {
            problems.add(new FieldProblem("payload." + e.getPropertyName(), "unknown field for type " + type));
            return null;
        } catch (MismatchedInputException e) {
            problems.add(new FieldProblem(path(e), "has the wrong JSON type"));
            return null;
        } catch (JacksonException e) {
            problems.add(new FieldProblem("payload", e.getOriginalMessage()));
            return null;
        }
        validator.validate(typed).stream()
                .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
                .forEach(v -> problems.add(problemOf(v)));
        return typed;
    }

    /**
     * The field a violation is about: {@code payload.data.k} for a map's value, {@code payload.data} (the key
     * named in the reason) for a map's key.
     */
    private static FieldProblem problemOf(ConstraintViolation<?> violation) {
        StringBuilder field = new StringBuilder("payload");
        String reason = violation.getMessage();
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.getKind() == ElementKind.CONTAINER_ELEMENT) {
                if ("<map key>".equals(node.getName())) {
                    reason = "key \"" + node.getKey() + "\" " + reason;
                } else if (node.getKey() != null) {
                    field.append('.').append(node.getKey());
                }
            } else if (node.getName() != null) {
                field.append('.').append(node.getName());
            }
        }
        return new FieldProblem(field.toString(), reason);
    }

    private static String path(JacksonException e) {
        String fields = e.getPath().stream()
                .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
        return fields.isEmpty() ? "payload" : "payload." + fields;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> toMap(Object payload) {
        return strict.convertValue(payload, Map.class);
    }
}
