package io.notifyhub.api.job;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Payload of an {@code sms} job; the phone number in E.164 form, such as +14155550123. */
record SmsPayload(
        @NotBlank
        @Size(max = 16)
        @Pattern(regexp = "\\+[1-9][0-9]{1,14}", message = "must be an E.164 phone number such as +14155550123")
        String phone,

        @NotBlank @Size(max = 1600) String message) {}
