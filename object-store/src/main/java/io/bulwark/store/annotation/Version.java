package io.bulwark.store.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Optimistic locking (long, Long, int or Integer): set to 0 at persist, incremented once by each
 * transaction that changes the entity; merging or removing a detached copy whose version differs from
 * the stored one fails.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Version {}
