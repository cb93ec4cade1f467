package io.bulwark.store.tx;

import io.bulwark.store.ValidationException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.HibernateValidatorFactory;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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
 *     defined order;</li>
 * <li>temporal constraints ({@code @Future}, {@code @Past}, ...) are judged against the transaction's
 *     agreed time, with no tolerance: each replica's own clock differs, so "now" must be the agreed
 *     input ({@link #at}).</li>
 * </ul>
 */
final class EntityValidator {
    private static final Comparator<ValidationException.Violation> ORDER =
            Comparator.comparing(ValidationException.Violation::path).thenComparing(ValidationException.Violation::message);

    private final HibernateValidatorFactory factory;

    EntityValidator() {
        this.factory = Validation.byProvider(HibernateValidator.class).configure()
                .locales(Locale.ROOT)
                .defaultLocale(Locale.ROOT)
                .localeResolver(context -> Locale.ROOT)
                .messageInterpolator(new ParameterMessageInterpolator(Set.of(Locale.ROOT), Locale.ROOT, context -> Locale.ROOT, false))
                // Every property is reachable, whatever the class path: Hibernate Validator's default
                // asks a JPA provider about each property whenever jakarta.persistence is present
                // (as in the bench's jar, beside Hibernate ORM) — slow, and not this store's business.
                .traversableResolver(new TraverseAll())
                // Never the replica's wall clock: a validator without the agreed time refuses every temporal constraint.
                .clockProvider(() -> { throw new IllegalStateException("temporal validation needs the agreed time (EntityValidator.at)"); })
                .temporalValidationTolerance(Duration.ZERO)
                .buildValidatorFactory()
                .unwrap(HibernateValidatorFactory.class);
    }

    /**
     * A validator for one transaction whose temporal constraints see {@code agreedTime} as "now".
     * Cheap: it shares the factory's metadata.
     */
    At at(Instant agreedTime) {
        Clock fixed = Clock.fixed(agreedTime, ZoneOffset.UTC);
        return new At(factory.usingContext().clockProvider(() -> fixed).temporalValidationTolerance(Duration.ZERO).getValidator());
    }

    /** The validator of one transaction, at its agreed time. */
    static final class At {
        private final Validator validator;

        private At(Validator validator) { this.validator = validator; }

        /** The entity's violations, in a deterministic order, named {@code entityName}. */
        List<ValidationException.Violation> validate(String entityName, Object entity) {
            return sorted(entityName, validator.validate(entity));
        }
    }

    private static List<ValidationException.Violation> sorted(String entityName, Set<ConstraintViolation<Object>> found) {
        List<ValidationException.Violation> out = new ArrayList<>(found.size());
        for (ConstraintViolation<Object> v : found)
            out.add(new ValidationException.Violation(entityName, v.getPropertyPath().toString(), v.getMessage()));
        out.sort(ORDER);
        return out;
    }

    private static final class TraverseAll implements jakarta.validation.TraversableResolver {
        @Override public boolean isReachable(Object bean, jakarta.validation.Path.Node property, Class<?> rootBeanType,
                                             jakarta.validation.Path pathToProperty, java.lang.annotation.ElementType elementType) {
            return true;
        }

        @Override public boolean isCascadable(Object bean, jakarta.validation.Path.Node property, Class<?> rootBeanType,
                                              jakarta.validation.Path pathToProperty, java.lang.annotation.ElementType elementType) {
            return true;
        }
    }
}
