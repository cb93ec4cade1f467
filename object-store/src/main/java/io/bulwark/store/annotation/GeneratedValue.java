package io.bulwark.store.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On the {@link Id} field (long, Long, int or Integer): an id left unset (0 or null) at persist is
 * taken from the entity's sequence kept in the replicated state, so every replica assigns the same one.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface GeneratedValue {}
