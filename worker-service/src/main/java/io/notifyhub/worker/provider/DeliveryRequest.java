package io.notifyhub.worker.provider;

import io.notifyhub.model.Channel;
import java.util.Map;

/**
 * One delivery attempt as a provider sees it.
 *
 * @param jobId   the job's id; stable across attempts, so providers can use it for idempotency
 * @param attempt 1 for the first attempt
 */
public record DeliveryRequest(String jobId, Channel channel, Map<String, Object> payload, int attempt) {

    public String text(String field) {
        Object value = payload.get(field);
        return value == null ? null : value.toString();
    }
}
