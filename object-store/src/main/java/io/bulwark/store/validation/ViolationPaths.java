package io.bulwark.store.validation;

import jakarta.validation.Path;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.UUID;

/**
 * A violation's property path as text that is the same at every replica. Hibernate Validator's own
 * {@code Path.toString()} renders a map key (or an element of an iterable without index) with its
 * {@code toString()}: for a key class without one, {@code Key@5aebe890} — an identity hash code,
 * different at every replica and every run. Here a key is rendered as itself only where its text is
 * deterministic: strings, numbers, booleans, characters, enums (by name), UUIDs, records (component by
 * component, the same rule) and classes whose own {@code toString} the application wrote; anything
 * else (Object's {@code toString}, a JDK class's) by its class name alone, e.g. {@code [Probe$Key]}.
 * The shape is Hibernate Validator's: {@code check.arg1[key].v}, {@code names[0].<list element>}.
 */
public final class ViolationPaths {
    /** Records nest at most this deep in a rendered key, and a key is cut at this many characters. */
    private static final int MAX_DEPTH = 4, MAX_KEY_CHARS = 200;

    private ViolationPaths() {}

    public static String render(Path path) {
        StringBuilder b = new StringBuilder();
        for (Path.Node node : path) {
            if (node.isInIterable()) {
                b.append('[');
                if (node.getIndex() != null) b.append(node.getIndex());
                else if (node.getKey() != null) b.append(cut(key(node.getKey(), 0)));
                b.append(']');
            }
            String name = node.getName();
            if (name != null && !name.isEmpty()) {
                if (b.length() > 0) b.append('.');
                b.append(name);
            }
        }
        return b.toString();
    }

    private static String cut(String s) {
        return s.length() <= MAX_KEY_CHARS ? s : s.substring(0, MAX_KEY_CHARS) + "...";
    }

    /** A deterministic text for a key: see the class comment. */
    static String key(Object k, int depth) {
        if (k == null) return "null";
        Class<?> c = k.getClass();
        if (k instanceof String || k instanceof Boolean || k instanceof Character || k instanceof UUID
                || k instanceof Byte || k instanceof Short || k instanceof Integer || k instanceof Long
                || k instanceof Float || k instanceof Double || k instanceof BigInteger) return k.toString();
        if (k instanceof BigDecimal d) return d.toString();
        if (k instanceof Enum<?> e) return e.name();
        if (c.isRecord() && depth < MAX_DEPTH) {
            StringBuilder b = new StringBuilder(c.getSimpleName()).append('[');
            var components = c.getRecordComponents();
            for (int i = 0; i < components.length; i++) {
                if (i > 0) b.append(", ");
                Object v;
                try {
                    components[i].getAccessor().setAccessible(true);
                    v = components[i].getAccessor().invoke(k);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    v = null;
                }
                b.append(components[i].getName()).append('=').append(key(v, depth + 1));
            }
            return b.append(']').toString();
        }
        if (applicationToString(c)) {
            try {
                return String.valueOf(k.toString());
            } catch (RuntimeException e) {
                return c.getName();
            }
        }
        return c.getName();
    }

    /** Whether the class's toString is declared by an application class (not Object's, not the JDK's). */
    private static boolean applicationToString(Class<?> c) {
        try {
            Class<?> declaring = c.getMethod("toString").getDeclaringClass();
            ClassLoader loader = declaring.getClassLoader();
            return declaring != Object.class && loader != null && loader != ClassLoader.getPlatformClassLoader();
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
