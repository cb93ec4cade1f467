package io.bulwark.store.operation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a public method of an operation object as a replicated operation. Its first parameter is the
 * {@link io.bulwark.store.Tx} it runs in; the others are its arguments, sent by the client encoded
 * with the store's codec; its return value is encoded the same way. Who may call it is declared with
 * {@link io.bulwark.store.access.Roles} or {@link io.bulwark.store.access.PermitAll} (on the method
 * or its class); an operation that declares neither can be called by nobody.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Operation {
    /** The name clients invoke it by; empty means the method's name. */
    String name() default "";

    /**
     * A read-only operation may run on the engine's read-only path (no agreement round, answered by
     * 2f+1 matching replies) and is rejected if it tries to write. A request the engine delivers as
     * read-only for an operation not declared so is refused.
     */
    boolean readOnly() default false;

    /**
     * The most work, in the units of {@code io.bulwark.store.work.WorkMeter}, one call may do before
     * it is aborted with a {@link io.bulwark.store.BudgetExceededException}; 0 means the store's
     * default ({@code StoreDefinition.Builder.workBudget}, by default
     * {@value io.bulwark.store.work.WorkMeter#DEFAULT_BUDGET}).
     */
    long budget() default 0;
}
