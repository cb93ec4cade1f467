package io.bulwark.store.operation;

import io.bulwark.store.BadRequestException;
import io.bulwark.store.OperationFailedException;
import io.bulwark.store.StoreException;
import io.bulwark.store.Tx;
import io.bulwark.store.access.Access;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;

/**
 * One registered operation: its name, whether it is read-only, who may call it, and the method (with
 * the object it is invoked on). {@link #parameterTypes} are the argument types after the {@code Tx}.
 * With a {@link #txScope} (an {@link OperationSource}'s operations) the method takes no {@code Tx}:
 * its parameters are exactly the arguments, and the transaction is made current around the call.
 */
public record OperationMethod(String name, boolean readOnly, Access access, Object target, Method method,
                              List<Class<?>> parameterTypes, long budget, TxScope txScope) {
    public OperationMethod {
        parameterTypes = List.copyOf(parameterTypes);
        if (budget < 0) throw new IllegalArgumentException("operation " + name + ": a negative work budget " + budget);
    }

    public OperationMethod(String name, boolean readOnly, Access access, Object target, Method method,
                           List<Class<?>> parameterTypes, long budget) {
        this(name, readOnly, access, target, method, parameterTypes, budget, null);
    }

    public OperationMethod(String name, boolean readOnly, Access access, Object target, Method method, List<Class<?>> parameterTypes) {
        this(name, readOnly, access, target, method, parameterTypes, 0);
    }

    /** This operation's work budget, or {@code storeDefault} if it declares none. */
    public long budget(long storeDefault) { return budget > 0 ? budget : storeDefault; }

    /** The declared type of argument {@code i}, boxed if primitive (what a decoded argument must be). */
    public Class<?> argumentType(int i) { return boxed(parameterTypes.get(i)); }

    public int arity() { return parameterTypes.size(); }

    /**
     * Invokes the operation in {@code tx}. Arguments that do not fit the parameters (count, type, null
     * for a primitive) → {@link BadRequestException}, without calling it. A {@link StoreException} the
     * operation throws is rethrown as is; any other exception becomes an {@link OperationFailedException}
     * with its class name, and its message only where the application wrote it
     * ({@link OperationFailedException#of}). Errors (out of memory, stack overflow) propagate: they say
     * nothing about the request and need not be the same on every replica.
     */
    public Object invoke(Tx tx, Object... args) {
        checkArguments(args);
        try {
            if (txScope == null) return method.invoke(target, withTx(tx, args));
            try (TxScope.Entered ignored = txScope.enter(tx)) {
                return method.invoke(target, args);
            }
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StoreException s) throw s;
            if (cause instanceof Error err) throw err;
            throw OperationFailedException.of(cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("operation " + name + " became inaccessible", e);
        }
    }

    /** What the method is invoked with: the transaction then the arguments, or (with a {@link #txScope}) the arguments alone. */
    public Object[] methodArguments(Tx tx, Object[] args) {
        return txScope == null ? withTx(tx, args) : args.clone();
    }

    /** What an {@code @Operation} method is invoked with: the transaction, then the arguments. */
    public static Object[] withTx(Tx tx, Object[] args) {
        Object[] all = new Object[args.length + 1];
        all[0] = tx;
        System.arraycopy(args, 0, all, 1, args.length);
        return all;
    }

    /** {@link BadRequestException} unless {@code args} fit this operation's parameters. */
    public void checkArguments(Object[] args) {
        if (args.length != parameterTypes.size())
            throw new BadRequestException("operation " + name + " takes " + parameterTypes.size() + " argument(s), got " + args.length);
        for (int i = 0; i < args.length; i++) {
            Class<?> p = parameterTypes.get(i);
            Object a = args[i];
            if (a == null) {
                if (p.isPrimitive()) throw new BadRequestException("argument " + (i + 1) + " of " + name + " is null but must be a " + p.getName());
            } else if (!boxed(p).isInstance(a)) {
                throw new BadRequestException("argument " + (i + 1) + " of " + name + " must be a " + p.getName() + ", got " + a.getClass().getName());
            }
        }
    }

    static Class<?> boxed(Class<?> t) {
        if (!t.isPrimitive()) return t;
        if (t == int.class) return Integer.class;
        if (t == long.class) return Long.class;
        if (t == boolean.class) return Boolean.class;
        if (t == double.class) return Double.class;
        if (t == float.class) return Float.class;
        if (t == short.class) return Short.class;
        if (t == byte.class) return Byte.class;
        if (t == char.class) return Character.class;
        return Void.class;
    }
}
