package io.bulwark.store.access;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The roles allowed to invoke an operation: a caller needs at least one of them (as Jakarta's
 * {@code @RolesAllowed}). On a class it applies to each of its operations that declares nothing itself.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Roles {
    String[] value();
}
