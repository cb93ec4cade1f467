package io.bulwark.jakarta.replica;

import io.bulwark.jakarta.Replicated;
import io.bulwark.jakarta.contract.Contract;
import io.bulwark.store.Tx;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;

/**
 * What a replicated bean may hold and inject, so that every replica runs it the same: state lives in
 * the store, never in the bean (a bean's fields are not replicated, not in checkpoints, lost on restart
 * and different after a state transfer), and the only things it may inject are the adapter's helpers
 * ({@link Tx}, {@link AgreedClock}, {@link CurrentCaller}) and other replicated contracts. Anything
 * else (a JDBC source, a REST client, the system clock, a bean of the web tier) answers differently
 * on each replica.
 */
public final class DeterminismRules {
    private DeterminismRules() {}

    /** Whether a replicated bean may inject a value of type {@code type}. */
    public static boolean injectable(Type type) {
        if (!(type instanceof Class<?> c)) return false;   // Instance<...>, Provider<...>, Event<...>: not on a replica
        return c == Tx.class || c == AgreedClock.class || c == CurrentCaller.class || c.isInterface() && c.isAnnotationPresent(Replicated.class);
    }

    /** Why a replicated bean may not inject {@code type} at {@code where}: a message with what to use instead. */
    public static String notInjectable(Class<?> bean, String where, Type type) {
        String hint = type == java.time.Clock.class || type == java.time.InstantSource.class
                ? " (inject io.bulwark.jakarta.replica.AgreedClock: the system clock differs between replicas)" : "";
        return "@Replicated bean " + bean.getName() + " injects " + type.getTypeName() + " at " + where + ": a replicated bean may inject "
                + "only io.bulwark.store.Tx, io.bulwark.jakarta.replica.AgreedClock, io.bulwark.jakarta.replica.CurrentCaller and other "
                + "@Replicated interfaces, since anything else is not replicated and would answer differently on each replica" + hint;
    }

    /**
     * IllegalArgumentException naming the field if the bean class keeps state of its own: a static field
     * that is not final, or an instance field that is neither {@code @Inject}ed nor a final field of an
     * injectable type (constructor injection).
     */
    public static void checkBeanClass(Class<?> type) {
        if (!Contract.isReplicatedBean(type)) throw new IllegalArgumentException(type.getName() + " is not a concrete @Replicated bean class");
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                int mod = f.getModifiers();
                if (f.isSynthetic()) continue;
                String where = c.getName() + "." + f.getName();
                if (Modifier.isStatic(mod)) {
                    if (!Modifier.isFinal(mod))
                        throw new IllegalArgumentException("@Replicated bean " + type.getName() + " has the mutable static field " + where
                                + ": state outside the store is not replicated; keep it in an entity");
                    continue;
                }
                boolean injected = f.isAnnotationPresent(jakarta.inject.Inject.class);
                if (injected || Modifier.isFinal(mod) && injectable(f.getGenericType())) {
                    if (!injectable(f.getGenericType())) throw new IllegalArgumentException(notInjectable(type, where, f.getGenericType()));
                    continue;
                }
                throw new IllegalArgumentException("@Replicated bean " + type.getName() + " keeps state in the field " + where
                        + ": a replicated bean's fields are not replicated (not in checkpoints, different after a restart or a state "
                        + "transfer); keep state in an entity, and inject only the adapter's helpers and @Replicated interfaces");
            }
        }
    }
}
