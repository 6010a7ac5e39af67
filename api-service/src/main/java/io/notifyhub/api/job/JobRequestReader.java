package io.notifyhub.api.job;

import io.notifyhub.model.Channel;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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

    private static final String TYPES = Arrays.stream(Channel.values())
            .map(Channel::value).collect(Collectors.joining(", "));

    private final JsonMapper strict = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .withCoercionConfig(LogicalType.Textual, c -> c
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();
    private final Validator validator;

    JobRequestReader(Validator validator) {
        this.validator = validator;
    }

    NewJob read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException("body", "must be a JSON object with type and payload");
        }
        List<FieldProblem> problems = new ArrayList<>();
        body.propertyNames().stream()
                .filter(name -> !name.equals("type") && !name.equals("payload"))
                .forEach(name -> problems.add(new FieldProblem(name, "unknown field")));
        Channel type = readType(body.get("type"), problems);
        JsonNode payload = body.get("payload");
        if (payload == null || payload.isNull()) {
            problems.add(new FieldProblem("payload", "is required"));
        } else if (!payload.isObject()) {
            problems.add(new FieldProblem("payload", "must be a JSON object"));
        } else if (type != null) {
            Object typed = readPayload(type, payload, problems);
            if (typed != null && problems.isEmpty()) {
                return new NewJob(type, toMap(typed));
            }
        }
        throw new InvalidRequestException(problems);
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
                .forEach(v -> problems.add(new FieldProblem("payload." + fieldOf(v), v.getMessage())));
        return typed;
    }

    private static String fieldOf(ConstraintViolation<?> violation) {
        return violation.getPropertyPath().toString().replaceAll("<map value>|<map key>", "").replace("..", ".");
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
