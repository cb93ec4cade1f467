package io.bulwark.store.tx;

import io.bulwark.store.ValidationException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.metadata.MethodDescriptor;
import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.HibernateValidatorFactory;
import org.hibernate.validator.HibernateValidatorConfiguration;
import org.hibernate.validator.cfg.ConstraintMapping;
import io.bulwark.store.validation.FixedLocaleInterpolator;
import io.bulwark.store.validation.Re2PatternValidator;
import io.bulwark.store.validation.ViolationPaths;
import io.bulwark.store.work.WorkMeter;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.metadata.BeanDescriptor;
import jakarta.validation.metadata.ConstraintDescriptor;
import jakarta.validation.metadata.ContainerDescriptor;
import jakarta.validation.metadata.ContainerElementTypeDescriptor;
import jakarta.validation.metadata.ElementDescriptor;

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
 * <li>messages are interpolated in one fixed locale ({@link Locale#ROOT}, the default English bundle,
 *     unless the store is defined with another), whatever the replica's default locale is, and
 *     without the JVM's fallback to its default locale ({@link FixedLocaleInterpolator});</li>
 * <li>the interpolator replaces {@code {param}} but evaluates no EL expressions, so no formatting
 *     that depends on the JVM, and no expression language run over client-supplied values;</li>
 * <li>property paths render map keys deterministically, never with an identity hash code
 *     ({@link ViolationPaths});</li>
 * <li>{@code @Pattern} is matched in linear time without recursion by RE2/J
 *     ({@link Re2PatternValidator}); a pattern it cannot run is refused when the store is defined
 *     ({@link #checkPatterns});</li>
 * <li>work (pattern steps) is charged to the operation's {@link WorkMeter};</li>
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
    /**
     * "Now" for temporal constraints: the agreed time of the transaction validating on this thread. One clock
     * for the factory's whole life, so Hibernate Validator initializes each constraint validator once and
     * caches it; a clock per transaction (as before) made it build and initialize every validator afresh
     * on every transaction, a sixth of the store's execution time on a replica (profiled with
     * {@code bench store}). A constraint validator of the application's must therefore read the clock when it
     * validates (as Hibernate Validator's {@code @Future} and {@code @Past} do), never keep an instant read in
     * {@code initialize}: it is initialized once, in the first transaction that needs it.
     */
    private final AgreedClock agreedClock = new AgreedClock();
    /** Per operation method: whether its parameters carry constraints or {@code @Valid} (only registered operations are asked). */
    private final Map<Method, Boolean> constrainedParameters = new ConcurrentHashMap<>();

    EntityValidator() { this(Locale.ROOT); }

    EntityValidator(Locale locale) {
        HibernateValidatorConfiguration config = Validation.byProvider(HibernateValidator.class).configure();
        // @Pattern by the linear-time matcher only: java.util.regex recurses per repetition (StackOverflowError at a
        // JIT-dependent input length) and may backtrack exponentially.
        ConstraintMapping patterns = config.createConstraintMapping();
        patterns.constraintDefinition(Pattern.class).includeExistingValidators(false).validatedBy(Re2PatternValidator.class);
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        this.factory = config.addMapping(patterns)
                .locales(locale)
                .defaultLocale(locale)
                .localeResolver(context -> locale)
                .messageInterpolator(new FixedLocaleInterpolator(locale, loader != null ? loader : EntityValidator.class.getClassLoader()))
                // Every property is reachable, whatever the class path: Hibernate Validator's default
                // asks a JPA provider about each property whenever jakarta.persistence is present
                // (as in the bench's jar, beside Hibernate ORM) — slow, and not this store's business.
                .traversableResolver(new TraverseAll())
                // Never the replica's wall clock: a validator without the agreed time refuses every temporal constraint.
                .clockProvider(() -> agreedClock)
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
    public At at(Instant agreedTime) { return at(agreedTime, WorkMeter.unlimited()); }

    /** As {@link #at(Instant)}, charging the work of validation (pattern steps) to {@code meter}. */
    public At at(Instant agreedTime, WorkMeter meter) {
        if (agreedTime == null) throw new IllegalArgumentException("agreed time is null");
        return new At(factory.usingContext().constraintValidatorPayload(meter).getValidator(), agreedClock, agreedTime);
    }

    /**
     * Refuses, when the store is defined, a {@code @Pattern} on {@code type} (its properties, their
     * container elements, its methods' parameters and return values) that the linear-time matcher
     * cannot run — rather than failing at the first request that reaches it.
     *
     * @throws IllegalArgumentException naming the class and the pattern, with the reason
     */
    public void checkPatterns(Class<?> type) {
        BeanDescriptor bean = factory.getValidator().getConstraintsForClass(type);
        String where = type.getName();
        checkPatterns(bean, where);
        for (var p : bean.getConstrainedProperties()) checkPatterns(p, where + "." + p.getPropertyName());
        for (var m : bean.getConstrainedMethods(jakarta.validation.metadata.MethodType.GETTER, jakarta.validation.metadata.MethodType.NON_GETTER)) {
            for (var p : m.getParameterDescriptors()) checkPatterns(p, where + "." + m.getName() + "." + p.getName());
            if (m.getReturnValueDescriptor() != null) checkPatterns(m.getReturnValueDescriptor(), where + "." + m.getName());
        }
    }

    private static void checkPatterns(ElementDescriptor element, String where) {
        for (ConstraintDescriptor<?> c : element.getConstraintDescriptors()) checkPattern(c, where);
        if (element instanceof ContainerDescriptor container)
            for (ContainerElementTypeDescriptor e : container.getConstrainedContainerElementTypes()) checkPatterns(e, where + "<element>");
    }

    private static void checkPattern(ConstraintDescriptor<?> c, String where) {
        if (c.getAnnotation() instanceof Pattern p) Re2PatternValidator.check(p, where);
        for (ConstraintDescriptor<?> composing : c.getComposingConstraints()) checkPattern(composing, where);
    }

    /** The validator of one transaction, at its agreed time. */
    public static final class At {
        private final Validator validator;
        private final AgreedClock clock;
        private final Instant agreedTime;

        private At(Validator validator, AgreedClock clock, Instant agreedTime) {
            this.validator = validator;
            this.clock = clock;
            this.agreedTime = agreedTime;
        }

        /** The entity's violations, in a deterministic order, named {@code entityName}. */
        List<ValidationException.Violation> validate(String entityName, Object entity) {
            return atAgreedTime(() -> sorted(entityName, validator.validate(entity)));
        }

        /**
         * The violations of the arguments {@code args} (all of them, the {@code Tx} first) of
         * {@code method} invoked on {@code target}, in a deterministic order, named {@code operation};
         * their paths are Hibernate Validator's: the method's name, then the parameter's (its real name
         * if the class was compiled with {@code -parameters}, else {@code argN} counting the Tx as arg0),
         * then any cascaded property.
         */
        public List<ValidationException.Violation> validateParameters(String operation, Object target, Method method, Object[] args) {
            return atAgreedTime(() -> sorted(operation, validator.forExecutables().validateParameters(target, method, args)));
        }

        /** Runs {@code validation} with the agreed clock reading this transaction's time. */
        private List<ValidationException.Violation> atAgreedTime(java.util.function.Supplier<List<ValidationException.Violation>> validation) {
            Instant outer = clock.enter(agreedTime);
            try {
                return validation.get();
            } finally {
                clock.leave(outer);
            }
        }
    }

    /**
     * The clock temporal constraints read: the agreed time of the validation running on the calling thread.
     * Outside one it refuses to answer, so nothing can judge a {@code @Future} by a replica's own wall clock.
     */
    private static final class AgreedClock extends Clock {
        private final ThreadLocal<Instant> now;
        private final java.time.ZoneId zone;

        AgreedClock() { this(new ThreadLocal<>(), ZoneOffset.UTC); }

        private AgreedClock(ThreadLocal<Instant> now, java.time.ZoneId zone) {
            this.now = now;
            this.zone = zone;
        }

        Instant enter(Instant agreedTime) {
            Instant outer = now.get();
            now.set(agreedTime);
            return outer;
        }

        void leave(Instant outer) {
            if (outer == null) now.remove();
            else now.set(outer);
        }

        @Override public Instant instant() {
            Instant t = now.get();
            if (t == null) throw new IllegalStateException("temporal validation needs the agreed time (EntityValidator.at)");
            return t;
        }

        @Override public java.time.ZoneId getZone() { return zone; }

        @Override public Clock withZone(java.time.ZoneId zone) { return new AgreedClock(now, zone); }
    }

    private static <T> List<ValidationException.Violation> sorted(String name, Set<ConstraintViolation<T>> found) {
        List<ValidationException.Violation> out = new ArrayList<>(found.size());
        for (ConstraintViolation<T> v : found)
            out.add(new ValidationException.Violation(name, ViolationPaths.render(v.getPropertyPath()), v.getMessage()));
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
