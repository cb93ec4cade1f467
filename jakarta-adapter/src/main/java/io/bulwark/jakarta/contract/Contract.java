package io.bulwark.jakarta.contract;

import io.bulwark.jakarta.ReadOnly;
import io.bulwark.jakarta.Replicated;
import io.bulwark.store.operation.OperationRegistry;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A replicated contract: an interface whose abstract methods are operations (default and static
 * methods run where they are called, on the client). Built by {@link #of}, which checks the interface
 * the same way on clients and replicas: an {@link IllegalArgumentException} naming the interface and
 * method for anything that cannot work (not an interface, a generic method, too many parameters, a
 * name clash).
 */
public final class Contract {
    private final Class<?> type;
    private final Map<Method, ContractOperation> operations;

    private Contract(Class<?> type, Map<Method, ContractOperation> operations) {
        this.type = type;
        this.operations = Collections.unmodifiableMap(operations);
    }

    /** The contract of interface {@code type} (which need not carry {@link Replicated} itself: a bean class's may). */
    public static Contract of(Class<?> type) {
        if (!type.isInterface() || type.isAnnotation())
            throw new IllegalArgumentException(type.getName() + " is not an interface: declare a replicated service's operations in an "
                    + "interface (annotated @Replicated, or implemented by a @Replicated bean class) and call it through that interface");
        List<Method> methods = new ArrayList<>();
        for (Method m : type.getMethods()) if (!m.isDefault() && !Modifier.isStatic(m.getModifiers())) methods.add(m);
        methods.sort(Comparator.comparing(m -> OperationNames.signature(type, m)));
        Map<Method, ContractOperation> ops = new LinkedHashMap<>();
        Set<String> names = new LinkedHashSet<>();
        for (Method m : methods) {
            String where = type.getName() + "." + m.getName();
            if (m.getTypeParameters().length > 0)
                throw new IllegalArgumentException(where + ": a replicated operation cannot be a generic method (the replicas decode its "
                        + "arguments against the declared types)");
            if (m.getParameterCount() > OperationRegistry.MAX_ARGUMENTS)
                throw new IllegalArgumentException(where + ": more than " + OperationRegistry.MAX_ARGUMENTS + " parameters");
            String name = OperationNames.of(type, m);
            if (!names.add(name)) throw new IllegalArgumentException(where + ": its operation name " + name + " clashes with another's");
            ops.put(m, new ContractOperation(type, m, name, m.isAnnotationPresent(ReadOnly.class)));
        }
        return new Contract(type, ops);
    }

    /**
     * The contracts a bean class implements: its interfaces (and their superinterfaces) annotated
     * {@link Replicated}; if the class itself is annotated, all its interfaces outside {@code java.*} and
     * {@code jakarta.*}. Empty if it is not a replicated bean.
     */
    public static List<Class<?>> contractsOf(Class<?> beanClass) {
        Set<Class<?>> all = new LinkedHashSet<>();
        for (Class<?> c = beanClass; c != null && c != Object.class; c = c.getSuperclass()) collectInterfaces(c, all);
        boolean classLevel = beanClass.isAnnotationPresent(Replicated.class);
        List<Class<?>> out = new ArrayList<>();
        for (Class<?> i : all) {
            String n = i.getName();
            if (i.isAnnotationPresent(Replicated.class) || classLevel && !n.startsWith("java.") && !n.startsWith("jakarta.")) out.add(i);
        }
        out.sort(Comparator.comparing(Class::getName));
        return out;
    }

    /** Whether {@code c} is a concrete class that runs replicated operations (it or one of its interfaces is {@link Replicated}). */
    public static boolean isReplicatedBean(Class<?> c) {
        if (c.isInterface() || c.isAnnotation() || c.isEnum() || c.isRecord() || Modifier.isAbstract(c.getModifiers())) return false;
        return c.isAnnotationPresent(Replicated.class) || !contractsOf(c).isEmpty();
    }

    private static void collectInterfaces(Class<?> c, Set<Class<?>> out) {
        for (Class<?> i : c.getInterfaces()) if (out.add(i)) collectInterfaces(i, out);
    }

    public Class<?> type() { return type; }

    /** The operations by interface method, in signature order. */
    public Map<Method, ContractOperation> operations() { return operations; }

    /** The operation of {@code m}, or null if {@code m} is not one (a default method, an Object method). */
    public ContractOperation operation(Method m) { return operations.get(m); }

    /** The extra types declared with {@link Replicated#types} on the contract. */
    public List<Class<?>> declaredTypes() {
        Replicated r = type.getAnnotation(Replicated.class);
        return r == null ? List.of() : List.of(r.types());
    }

    @Override public String toString() { return "Contract[" + type.getName() + ", " + operations.size() + " operations]"; }
}
