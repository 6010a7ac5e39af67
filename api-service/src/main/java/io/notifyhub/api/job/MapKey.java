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
 * A key of a client's map that becomes a field name of the stored document: no {@code .} (a path separator to
 * MongoDB), no NUL (it ends a BSON field name) and no leading {@code $} (an operator).
 */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = MapKey.Check.class)
@interface MapKey {

    String message() default "must not contain '.' or NUL, nor start with '$'";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<MapKey, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || value.indexOf('.') < 0 && value.indexOf('\0') < 0 && !value.startsWith("$");
        }
    }
}
