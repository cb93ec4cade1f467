package io.bulwark.store.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A secondary index on this field, for {@code findBy}, {@code findUnique} and {@code range}. The field
 * must have an order-preserving key encoding (integers, String, UUID, boolean, char, enums, Instant,
 * LocalDate, LocalDateTime; see {@link io.bulwark.store.key.KeyEncoding}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Indexed {
    /** No two entities may hold the same non-null value. */
    boolean unique() default false;
}
