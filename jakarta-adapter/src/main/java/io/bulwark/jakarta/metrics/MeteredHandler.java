package io.bulwark.jakarta.metrics;

import io.bulwark.bft.node.Invoker;
import io.bulwark.store.client.GroupUnavailableException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.function.Predicate;

/**
 * Wraps a proxy's handler to time each call into {@link ClientMetrics}. Object's methods and default methods are not
 * requests (a default method's own calls of operations go through the proxy and are timed there).
 */
public final class MeteredHandler implements InvocationHandler {
    private final InvocationHandler delegate;
    private final ClientMetrics metrics;
    private final Invoker engine;
    private final String contract;
    private final Predicate<Method> readOnly;

    /** {@code readOnly} says whether a method is sent on the read-only path (for the {@code kind} tag). */
    public MeteredHandler(InvocationHandler delegate, ClientMetrics metrics, Invoker engine, Class<?> contract, Predicate<Method> readOnly) {
        this.delegate = delegate;
        this.metrics = metrics;
        this.engine = engine;
        this.contract = contract.getName();
        this.readOnly = readOnly;
    }

    @Override public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class || method.isDefault()) return delegate.invoke(proxy, method, args);
        long start = System.nanoTime();
        ClientMetrics.Outcome outcome = ClientMetrics.Outcome.FAILED;
        try {
            Object result = delegate.invoke(proxy, method, args);
            outcome = ClientMetrics.Outcome.OK;
            return result;
        } catch (GroupUnavailableException e) {
            outcome = ClientMetrics.Outcome.UNAVAILABLE;
            throw e;
        } finally {
            metrics.record(contract, method.getName(), readOnly.test(method), outcome, System.nanoTime() - start);
            metrics.viewSeen(engine.view());
        }
    }
}
