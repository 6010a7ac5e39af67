package io.notifyhub.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * What travels through RabbitMQ: only the job id and the schema version of this record. The job itself
 * stays in MongoDB, so a message can be redelivered or duplicated without carrying stale state.
 *
 * @param version schema version; a consumer rejects versions it does not know
 * @param jobId   hex ObjectId of the job
 */
public record JobMessage(
        @JsonProperty("v") int version, @JsonProperty("id") String jobId) {

    public static final int CURRENT_VERSION = 1;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static JobMessage of(String jobId) {
        return new JobMessage(CURRENT_VERSION, jobId);
    }

    public byte[] toBytes() {
        return JSON.writeValueAsBytes(this);
    }

    /**
     * Parses a message body.
     *
     * @throws PoisonMessageException when the body is not a message of a known version
     */
    public static JobMessage parse(byte[] body) {
        JobMessage message;
        try {
            message = JSON.readValue(body, JobMessage.class);
        } catch (JacksonException e) {
            throw new PoisonMessageException("body is not a job message: " + e.getOriginalMessage());
        }
        if (message.version() != CURRENT_VERSION) {
            throw new PoisonMessageException("unknown schema version " + message.version());
        }
        if (message.jobId() == null || !JobIds.isValid(message.jobId())) {
            throw new PoisonMessageException("invalid job id " + message.jobId());
        }
        return message;
    }

    /** A message no consumer can ever handle; it belongs in the dead-letter queue. */
    public static final class PoisonMessageException extends RuntimeException {
        public PoisonMessageException(String reason) {
            super(reason);
        }
    }
}
