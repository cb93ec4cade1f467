package io.bulwark.store.annotation;

import jakarta.data.spi.EntityDefining;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class whose instances the store keeps. Bulwark's own annotation rather than
 * {@code jakarta.persistence.Entity}: Jakarta Data lets only JPA providers claim that one, and the
 * JPA-based providers of WildFly and Payara would otherwise take our repositories. The
 * {@link EntityDefining} meta-annotation tells them these entities belong to another provider.
 */
@Documented
@EntityDefining
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Entity {
    /** The entity's name in the stored schema; the class's simple name if empty. */
    String name() default "";
}
