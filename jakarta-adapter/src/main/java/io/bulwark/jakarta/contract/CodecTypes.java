package io.bulwark.jakarta.contract;

import io.bulwark.store.annotation.Entity;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The application classes the store's codec must know for a set of contracts: every class outside the
 * JDK named by an operation's parameter or result types (with their type arguments and array
 * components), by {@link io.bulwark.jakarta.Replicated#types}, and, transitively, by the fields of
 * those classes. Split into entities ({@link Entity}) and values. Abstract types are followed (their
 * fields) but not registered: the codec registers concrete classes only. Deterministic: sorted by name.
 */
public final class CodecTypes {
    private final SortedSet<Class<?>> entities = new TreeSet<>(Comparator.comparing(Class::getName));
    private final SortedSet<Class<?>> values = new TreeSet<>(Comparator.comparing(Class::getName));
    private final SortedSet<Class<?>> seen = new TreeSet<>(Comparator.comparing(Class::getName));
    private final Deque<Class<?>> pending = new ArrayDeque<>();

    /** Adds the classes {@code contract}'s operations exchange. */
    public CodecTypes addContract(Contract contract) {
        for (ContractOperation op : contract.operations().values()) {
            Method m = op.method();
            for (Type p : m.getGenericParameterTypes()) addType(p);
            addType(m.getGenericReturnType());
        }
        for (Class<?> c : contract.declaredTypes()) addType(c);
        drain();
        return this;
    }

    /** Adds {@code c} (and what its fields name). */
    public CodecTypes addClass(Class<?> c) {
        addType(c);
        drain();
        return this;
    }

    public List<Class<?>> entities() { return List.copyOf(entities); }

    public List<Class<?>> values() { return List.copyOf(values); }

    private void drain() {
        while (!pending.isEmpty()) {
            Class<?> c = pending.pop();
            if (c.isRecord()) {
                for (RecordComponent rc : c.getRecordComponents()) addType(rc.getGenericType());
            } else if (!c.isEnum() && !c.isInterface()) {
                for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass())
                    for (Field f : k.getDeclaredFields()) if (!Modifier.isStatic(f.getModifiers())) addType(f.getGenericType());
            }
        }
    }

    private void addType(Type t) {
        if (t instanceof ParameterizedType p) {
            addType(p.getRawType());
            for (Type a : p.getActualTypeArguments()) addType(a);
        } else if (t instanceof GenericArrayType g) {
            addType(g.getGenericComponentType());
        } else if (t instanceof WildcardType w) {
            for (Type u : w.getUpperBounds()) addType(u);
        } else if (t instanceof TypeVariable<?> v) {
            for (Type b : v.getBounds()) addType(b);
        } else if (t instanceof Class<?> c) {
            while (c.isArray()) c = c.getComponentType();
            if (c.isPrimitive() || jdk(c) || !seen.add(c)) return;
            if (c.isAnnotationPresent(Entity.class)) entities.add(c);
            else if (c.isEnum() || !c.isInterface() && !Modifier.isAbstract(c.getModifiers())) values.add(c);
            pending.push(c);
        }
    }

    private static boolean jdk(Class<?> c) {
        String n = c.getName();
        return n.startsWith("java.") || n.startsWith("javax.") || n.startsWith("jdk.");
    }
}
