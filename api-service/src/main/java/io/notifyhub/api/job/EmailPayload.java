package io.notifyhub.api.job;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Payload of an {@code email} job. */
record EmailPayload(
        @NotBlank @Size(max = 320) @Email(regexp = "[^\\s@]+@[^\\s@]+\\.[^\\s@]+",
                message = "must be a valid email address") String recipient,
        @NotBlank @Size(max = 998) String subject,
        @NotBlank @Size(max = 60_000) String body) {
}
