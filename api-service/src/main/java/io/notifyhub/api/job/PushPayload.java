package io.notifyhub.api.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.Map;

/** Payload of a {@code push} job; {@code data} is optional string key-value pairs for the app. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record PushPayload(
        @NotBlank @Size(max = 4096) String token,
        @NotBlank @Size(max = 256) String title,
        @NotBlank @Size(max = 4096) String body,
        @Size(max = 100) Map<@NotBlank @Size(max = 256) @MapKey String, @Size(max = 4096) String> data) {}
