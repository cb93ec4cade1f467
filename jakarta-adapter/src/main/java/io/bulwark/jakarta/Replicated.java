package io.bulwark.jakarta;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a replicated service. On an interface: its methods are replicated operations (the
 * <em>contract</em> clients call). On a bean class: every interface the class implements (outside
 * {@code java.*} and {@code jakarta.*}) is a contract. A client calls a contract through a typed
 * proxy ({@code BulwarkClient.proxy}, or injected by CDI in client mode); every call is one BFT
 * request, executed by the bean class on every replica (CDI replica mode) in one store transaction.
 * <p>
 * Each operation's name is derived from the contract and the method's signature
 * ({@code io.bulwark.jakarta.contract.OperationNames}), so a client and replicas built from the same
 * classes always agree, and overloads are distinct operations. Arguments and results are encoded with
 * the store's deterministic codec; the classes it needs are found from the signatures (and the fields
 * of the entities and values they name); list in {@link #types} the ones no signature names (the
 * concrete classes behind an abstract type, an entity an operation only writes).
 * <p>
 * Who may call an operation: {@code @io.bulwark.store.access.Roles} or {@code @PermitAll} on the bean's
 * method or class (else on the contract's method or interface); nothing declared means nobody.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Replicated {
    /** Entity and value classes the operations use that their signatures do not name. */
    Class<?>[] types() default {};
}
