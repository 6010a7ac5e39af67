package io.notifyhub.api.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.notifyhub.model.Channel;
import io.notifyhub.model.JobStatus;
import io.notifyhub.model.Priority;
import io.notifyhub.model.store.Attempt;
import io.notifyhub.model.store.Job;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A job as the API shows it: the seed's fields, plus the delivery details once there are some, and once it is
 * finished when it will be removed ({@code expiresAt}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(
        @JsonProperty("_id") String id,
        Channel type,
        Map<String, Object> payload,
        JobStatus status,
        int attempts,
        String error,
        Instant createdAt,
        Instant updatedAt,
        String provider,
        String providerMessageId,
        List<Attempt> history,
        Priority priority,
        Instant scheduledAt,
        String callbackUrl,
        Instant expiresAt) {

    public static JobView of(Job job) {
        return new JobView(
                job.idHex(),
                job.type(),
                job.payload(),
                job.status(),
                job.attempts(),
                job.error(),
                job.createdAt(),
                job.updatedAt(),
                job.provider(),
                job.providerMessageId(),
                job.history(),
                job.priority(),
                job.scheduledAt(),
                job.callback() == null ? null : job.callback().url(),
                job.expiresAt());
    }
}
