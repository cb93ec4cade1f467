package io.bulwark.jakarta.client;

import io.bulwark.jakarta.RemoteOperationException;
import io.bulwark.jakarta.UnknownOperationException;
import io.bulwark.jakarta.contract.Contract;
import io.bulwark.jakarta.contract.ContractOperation;
import io.bulwark.store.BadRequestException;
import io.bulwark.store.OperationFailedException;
import io.bulwark.store.client.StoreClient;
import io.bulwark.store.operation.OperationRegistry;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/** A contract proxy's calls: operations become store requests; default methods run here; Object's methods answer locally. */
final class ContractHandler implements InvocationHandler {
    private final Contract contract;
    private final StoreClient store;

    ContractHandler(Contract contract, StoreClient store) {
        this.contract = contract;
        this.store = store;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) return objectMethod(proxy, method, args);
        if (method.isDefault()) return InvocationHandler.invokeDefault(proxy, method, args);
        ContractOperation op = contract.operation(method);
        if (op == null) throw new IllegalStateException(method + " is not an operation of " + contract.type().getName());
        Object[] a = args == null ? new Object[0] : args;
        try {
            // The proxy received the arguments boxed from the declared parameter types (1 for a long arrives as a Long).
            Object result = op.readOnly() ? store.invokeReadOnly(op.name(), method.getReturnType(), a)
                    : store.invoke(op.name(), method.getReturnType(), a);
            return method.getReturnType() == void.class ? null : result;
        } catch (BadRequestException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(OperationRegistry.UNKNOWN_OPERATION))
                throw new UnknownOperationException(op.name(), op.signature(), e);
            throw e;
        } catch (OperationFailedException e) {
            throw applicationException(method, e);
        }
    }

    /**
     * The exception the operation threw on the replicas, re-created from its class name and message when
     * this client has the class, may throw it from {@code method} (unchecked, or declared) and can build it
     * with a public (String) constructor; else a {@link RemoteOperationException}. The agreed failure is the cause.
     */
    static Throwable applicationException(Method method, OperationFailedException failure) {
        String name = failure.exceptionClass();
        String message = remoteMessage(failure);
        try {
            ClassLoader loader = method.getDeclaringClass().getClassLoader();
            Class<?> type = Class.forName(name, false, loader != null ? loader : ClassLoader.getSystemClassLoader());
            if (Throwable.class.isAssignableFrom(type) && mayThrow(method, type)) {
                Constructor<?> c = type.getConstructor(String.class);
                Throwable t = (Throwable) c.newInstance(message);
                try {
                    t.initCause(failure);
                } catch (IllegalStateException alreadySet) {
                    t.addSuppressed(failure);
                }
                return t;
            }
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            // not re-creatable here: reported as a RemoteOperationException below
        }
        return new RemoteOperationException(name, message, failure);
    }

    private static boolean mayThrow(Method method, Class<?> type) {
        if (Error.class.isAssignableFrom(type)) return false;   // never an Error in the client's thread: the store reports those with a fixed text
        if (RuntimeException.class.isAssignableFrom(type)) return true;
        for (Class<?> declared : method.getExceptionTypes()) if (declared.isAssignableFrom(type)) return true;
        return false;
    }

    private static String remoteMessage(OperationFailedException e) {
        String full = e.getMessage(), prefix = e.exceptionClass() + ": ";
        if (full == null || full.equals(e.exceptionClass())) return null;
        return full.startsWith(prefix) ? full.substring(prefix.length()) : full;
    }

    private Object objectMethod(Object proxy, Method method, Object[] args) {
        return switch (method.getName()) {
            case "equals" -> args[0] != null && Proxy.isProxyClass(args[0].getClass()) && Proxy.getInvocationHandler(args[0]) == this;
            case "hashCode" -> System.identityHashCode(proxy);
            case "toString" -> "Bulwark proxy of " + contract.type().getName();
            default -> throw new UnsupportedOperationException(method.toString());
        };
    }
}
