package io.bulwark.store.tx;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.atomic.AtomicInteger;

/** A test constraint (a non-empty string) whose validator counts how often Hibernate Validator builds one. */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = Counted.Validator.class)
public @interface Counted {
    String message() default "must not be empty";
    Class<?>[] groups() default {};
    Class<? extends Payload>[] payload() default {};

    final class Validator implements ConstraintValidator<Counted, String> {
        static final AtomicInteger INITIALIZED = new AtomicInteger();

        @Override public void initialize(Counted annotation) { INITIALIZED.incrementAndGet(); }

        @Override public boolean isValid(String value, ConstraintValidatorContext context) { return value != null && !value.isEmpty(); }
    }
}
