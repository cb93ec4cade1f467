package io.bulwark.jakarta;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A replicated operation that only reads: the client sends it on the engine's read-only path (no
 * agreement round, certified by 2f+1 matching replies) and the replicas refuse it if it writes. Put it
 * on the contract's method (the client reads it there).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ReadOnly {
}
