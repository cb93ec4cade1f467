package io.bulwark.store.tx;

import io.bulwark.store.ValidationException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.metadata.MethodDescriptor;
import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.HibernateValidatorFactory;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bean Validation on the replicas, built once per store: of the entities a transaction touched, and of
 * the arguments of an operation before it runs ({@link At#validateParameters}). Its output goes into
 * replies that the client compares across replicas, so it must be the same at every correct replica:
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
public final class EntityValidator {
    private static final Comparator<ValidationException.Violation> ORDER =
            Comparator.comparing(ValidationException.Violation::path).thenComparing(ValidationException.Violation::message);

    private final HibernateValidatorFactory factory;
    /** Per operation method: whether its parameters carry constraints or {@code @Valid} (only registered operations are asked). */
    private final Map<Method, Boolean> constrainedParameters = new ConcurrentHashMap<>();

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
     * Whether {@code method}, invoked on instances of {@code type}, has constraints or {@code @Valid} on
     * its parameters (or cross-parameter constraints), so that its arguments need validating.
     *
     * @throws IllegalArgumentException naming the method if its constraints are declared against the
     *                                  rules of Bean Validation (for instance, an overriding method
     *                                  that adds parameter constraints)
     */
    public boolean constrainsParameters(Class<?> type, Method method) {
        Boolean known = constrainedParameters.get(method);
        if (known != null) return known;
        boolean constrained;
        try {
            MethodDescriptor d = factory.getValidator().getConstraintsForClass(type)
                    .getConstraintsForMethod(method.getName(), method.getParameterTypes());
            constrained = d != null && d.hasConstrainedParameters();
        } catch (jakarta.validation.ValidationException e) {
            throw new IllegalArgumentException(type.getName() + "." + method.getName() + ": its parameter constraints are not valid: "
                    + e.getMessage(), e);
        }
        constrainedParameters.put(method, constrained);
        return constrained;
    }

    /**
     * A validator for one transaction whose temporal constraints see {@code agreedTime} as "now".
     * Cheap: it shares the factory's metadata.
     */
    public At at(Instant agreedTime) {
        Clock fixed = Clock.fixed(agreedTime, ZoneOffset.UTC);
        return new At(factory.usingContext().clockProvider(() -> fixed).temporalValidationTolerance(Duration.ZERO).getValidator());
    }

    /** The validator of one transaction, at its agreed time. */
    public static final class At {
        private final Validator validator;

        private At(Validator validator) { this.validator = validator; }

        /** The entity's violations, in a deterministic order, named {@code entityName}. */
        List<ValidationException.Violation> validate(String entityName, Object entity) {
            return sorted(entityName, validator.validate(entity));
        }

        /**
         * The violations of the arguments {@code args} (all of them, the {@code Tx} first) of
         * {@code method} invoked on {@code target}, in a deterministic order, named {@code operation};
         * their paths are Hibernate Validator's: the method's name, then the parameter's (its real name
         * if the class was compiled with {@code -parameters}, else {@code argN} counting the Tx as arg0),
         * then any cascaded property.
         */
        public List<ValidationException.Violation> validateParameters(String operation, Object target, Method method, Object[] args) {
            return sorted(operation, validator.forExecutables().validateParameters(target, method, args));
        }
    }

    private static <T> List<ValidationException.Violation> sorted(String name, Set<ConstraintViolation<T>> found) {
        List<ValidationException.Violation> out = new ArrayList<>(found.size());
        for (ConstraintViolation<T> v : found)
            out.add(new ValidationException.Violation(name, v.getPropertyPath().toString(), v.getMessage()));
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
