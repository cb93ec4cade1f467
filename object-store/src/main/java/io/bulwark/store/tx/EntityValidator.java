package io.bulwark.store.tx;

import io.bulwark.store.ValidationException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Bean Validation of entities on the replicas, built once per store. Its output goes into replies that
 * the client compares across replicas, so it must be the same at every correct replica:
 * <ul>
 * <li>messages are interpolated in {@link Locale#ROOT} (the default, English, bundle), whatever the
 *     replica's default locale is;</li>
 * <li>the {@link ParameterMessageInterpolator} replaces {@code {param}} but evaluates no EL
 *     expressions, so no formatting that depends on the JVM, and no expression language run over
 *     client-supplied values;</li>
 * <li>violations are sorted by property path and message, since Bean Validation returns a set in no
 *     defined order.</li>
 * </ul>
 */
final class EntityValidator {
    private static final Comparator<ValidationException.Violation> ORDER =
            Comparator.comparing(ValidationException.Violation::path).thenComparing(ValidationException.Violation::message);

    private final ValidatorFactory factory;
    private final Validator validator;

    EntityValidator() {
        this.factory = Validation.byProvider(HibernateValidator.class).configure()
                .locales(Locale.ROOT)
                .defaultLocale(Locale.ROOT)
                .localeResolver(context -> Locale.ROOT)
                .messageInterpolator(new ParameterMessageInterpolator(Set.of(Locale.ROOT), Locale.ROOT, context -> Locale.ROOT, false))
                .buildValidatorFactory();
        this.validator = factory.getValidator();
    }

    /** The entity's violations, in a deterministic order, named {@code entityName}. */
    List<ValidationException.Violation> validate(String entityName, Object entity) {
        Set<ConstraintViolation<Object>> found = validator.validate(entity);
        List<ValidationException.Violation> out = new ArrayList<>(found.size());
        for (ConstraintViolation<Object> v : found)
            out.add(new ValidationException.Violation(entityName, v.getPropertyPath().toString(), v.getMessage()));
        out.sort(ORDER);
        return out;
    }
}
