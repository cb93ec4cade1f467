package io.bulwark.sample.bank;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Money is conserved: the {@link Ledger}'s sum of balances equals its sum of deposits. */
@Documented
@Constraint(validatedBy = Conserved.Validator.class)
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
public @interface Conserved {
    String message() default "the bank's total must change only by deposits";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Deterministic (no clock, no locale): every replica reaches the same verdict. */
    class Validator implements ConstraintValidator<Conserved, Ledger> {
        @Override public boolean isValid(Ledger ledger, ConstraintValidatorContext context) {
            return ledger == null || ledger.balances == ledger.deposits;
        }
    }
}
