package io.notifyhub.api.job;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An email address ({@link EmailAddresses#parseAddress}), or with {@code mailbox} also a display name before it
 * in angle brackets ({@link EmailAddresses#parseMailbox}). Null is valid. Linear in a length bounded first.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = EmailAddress.Check.class)
@interface EmailAddress {

    String message() default "must be a valid email address";

    boolean mailbox() default false;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** The check; text with a line break is left to the line-break check, which names the reason. */
    class Check implements ConstraintValidator<EmailAddress, String> {

        private boolean mailbox;

        @Override
        public void initialize(EmailAddress annotation) {
            this.mailbox = annotation.mailbox();
        }

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null || NoLineBreak.Check.hasLineBreak(value)) {
                return true;
            }
            return (mailbox ? EmailAddresses.parseMailbox(value) : EmailAddresses.parseAddress(value)).isPresent();
        }
    }
}
