package io.notifyhub.api.job;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** No CR or LF: a field that becomes a mail header must not hold one (header injection). One pass, no pattern. */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = NoLineBreak.Check.class)
@interface NoLineBreak {

    String message() default "must not contain CR or LF (header injection)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<NoLineBreak, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || !hasLineBreak(value);
        }

        static boolean hasLineBreak(String value) {
            return value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0;
        }
    }
}
