package io.bulwark.store.access;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Any authenticated engine client may invoke the operation, including one the access policy does
 * not know (the anonymous principal). On a class it applies to each of its operations that declares
 * nothing itself.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface PermitAll {
}
