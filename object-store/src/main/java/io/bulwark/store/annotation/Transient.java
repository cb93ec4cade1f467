package io.bulwark.store.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A field the store does not keep: not part of the schema, not stored, never compared for changes.
 * Fields with the {@code transient} modifier are treated the same way. Other annotations of this name
 * (such as {@code jakarta.persistence.Transient}) are refused on an entity's fields: the codec would
 * skip such a field while the store kept it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Transient {}
