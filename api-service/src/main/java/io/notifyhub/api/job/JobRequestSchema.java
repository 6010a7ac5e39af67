package io.notifyhub.api.job;

import io.notifyhub.model.Channel;
import io.notifyhub.model.Priority;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * The body of {@code POST /api/jobs} as the OpenAPI document shows it. Requests are read by
 * {@link JobRequestReader}, which is stricter than a schema can say (it names every bad field).
 */
@Schema(
        name = "JobRequest",
        requiredProperties = {"type", "payload"})
record JobRequestSchema(
        Channel type,

        @Schema(
                oneOf = {EmailPayload.class, SmsPayload.class, PushPayload.class},
                description = "the fields of the job's type")
        Object payload,

        @Schema(description = "high jobs overtake normal ones", defaultValue = "normal")
        Priority priority,

        @Schema(description = "send at this time instead of at once; at most 30 days ahead")
        Instant scheduledAt,

        @Schema(
                description = "where the job is POSTed once sent, failed or cancelled (http or https; "
                        + "no private addresses)")
        String callbackUrl) {}
