package io.bulwark.store.operation;

import io.bulwark.store.BadRequestException;
import io.bulwark.store.Tx;
import io.bulwark.store.access.Access;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The operations a store offers, found by reflection on the operation objects it is built with: every
 * public instance method annotated {@link Operation}. A malformed declaration (not public, static,
 * first parameter not {@link Tx}, a bad or repeated name, ambiguous access annotations) is an
 * {@link IllegalArgumentException} naming the class and method, at build time rather than at the
 * first request. Immutable.
 */
public final class OperationRegistry {
    public static final int MAX_NAME_CHARS = 128;
    /** Most arguments (after the Tx) an operation takes; the request envelope is bounded by it. */
    public static final int MAX_ARGUMENTS = 32;
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.:$-]{0," + (MAX_NAME_CHARS - 1) + "}");

    private final SortedMap<String, OperationMethod> operations;

    private OperationRegistry(SortedMap<String, OperationMethod> operations) {
        this.operations = Collections.unmodifiableSortedMap(operations);
    }

    public static OperationRegistry of(Object... operationObjects) { return of(Arrays.asList(operationObjects)); }

    public static OperationRegistry of(List<?> operationObjects) {
        SortedMap<String, OperationMethod> ops = new TreeMap<>();
        for (Object target : operationObjects) {
            if (target == null) throw new IllegalArgumentException("null operation object");
            if (target instanceof OperationSource source) {
                for (OperationMethod op : source.operations()) register(ops, op);
                continue;
            }
            Class<?> type = target.getClass();
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass())
                for (Method m : c.getDeclaredMethods())
                    if (m.isAnnotationPresent(Operation.class) && (Modifier.isStatic(m.getModifiers()) || !Modifier.isPublic(m.getModifiers())))
                        throw new IllegalArgumentException(where(m) + ": an @Operation must be a public instance method");
            for (Method m : type.getMethods()) {
                if (m.isBridge() || !m.isAnnotationPresent(Operation.class)) continue;
                register(ops, describe(target, m));
            }
        }
        return new OperationRegistry(ops);
    }

    private static void register(SortedMap<String, OperationMethod> ops, OperationMethod op) {
        if (op.txScope() == null && (op.method().getParameterCount() == 0 || op.method().getParameterTypes()[0] != Tx.class))
            throw new IllegalArgumentException(where(op.method()) + ": an operation without a TxScope must take the Tx first");
        checkName(op.name(), op.method());
        if (op.arity() > MAX_ARGUMENTS) throw new IllegalArgumentException(where(op.method()) + ": more than " + MAX_ARGUMENTS + " arguments");
        OperationMethod clash = ops.putIfAbsent(op.name(), op);
        if (clash != null)
            throw new IllegalArgumentException("operation name '" + op.name() + "' is declared by both " + where(clash.method()) + " and " + where(op.method()));
    }

    /** IllegalArgumentException naming {@code m} unless {@code name} is a valid operation name. */
    private static void checkName(String name, Method m) {
        if (!NAME.matcher(name).matches())
            throw new IllegalArgumentException(where(m) + ": operation name '" + name + "' must be 1-" + MAX_NAME_CHARS
                    + " characters of letters, digits and _ . : $ - (not starting with a digit)");
    }

    /** Whether {@code name} is a valid operation name (1-{@value #MAX_NAME_CHARS} of letters, digits and _ . : $ -, not starting with a digit). */
    public static boolean isValidName(String name) { return name != null && NAME.matcher(name).matches(); }

    private static OperationMethod describe(Object target, Method m) {
        Operation ann = m.getAnnotation(Operation.class);
        String name = ann.name().isEmpty() ? m.getName() : ann.name();
        checkName(name, m);
        Class<?>[] params = m.getParameterTypes();
        if (params.length == 0 || params[0] != Tx.class)
            throw new IllegalArgumentException(where(m) + ": the first parameter of an @Operation must be " + Tx.class.getName());
        if (params.length - 1 > MAX_ARGUMENTS)
            throw new IllegalArgumentException(where(m) + ": more than " + MAX_ARGUMENTS + " arguments");
        Access access;
        try {
            access = Access.of(m);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where(m) + ": " + e.getMessage(), e);
        }
        // Operation objects are often nested or package-private classes: their public methods still need this.
        if (!m.trySetAccessible()) throw new IllegalArgumentException(where(m) + ": not accessible to the store (module not open?)");
        if (ann.budget() < 0) throw new IllegalArgumentException(where(m) + ": @Operation(budget = " + ann.budget() + ") must be >= 0 (0: the store's default)");
        return new OperationMethod(name, ann.readOnly(), access, target, m, List.of(params).subList(1, params.length), ann.budget());
    }

    private static String where(Method m) { return m.getDeclaringClass().getName() + "." + m.getName(); }

    /** How the failure reply to a request for an operation the store does not offer begins (clients may recognise it). */
    public static final String UNKNOWN_OPERATION = "unknown operation '";

    /** The operation named {@code name}; {@link BadRequestException} if there is none. */
    public OperationMethod lookup(String name) {
        OperationMethod op = operations.get(name);
        if (op == null) throw new BadRequestException(UNKNOWN_OPERATION + name + "'");
        return op;
    }

    /** All operations by name. */
    public SortedMap<String, OperationMethod> operations() { return operations; }
}
