package io.bulwark.jakarta.data;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;

/**
 * How queries compare, convert and compute property values, identically on every replica: numbers of
 * different boxed types compare by value (a {@code long} parameter against a {@code short} property),
 * a one-character string equals a {@code char}, an enum equals its constant's name, strings compare by
 * UTF-16 code units (never by a locale). Nulls sort first. No floating point rounding depends on the
 * JVM: Java's arithmetic on double and float is IEEE 754 strict since Java 17.
 */
final class Values {
    private Values() {}

    /** Total order for sorting: null first, then by {@link #compare}. */
    static int order(Object a, Object b, boolean ignoreCase) {
        if (a == null || b == null) return a == null ? (b == null ? 0 : -1) : 1;
        if (ignoreCase && a instanceof String x && b instanceof String y) return upper(x).compareTo(upper(y));
        return compare(a, b);
    }

    /** Compares two non-null values; IllegalArgumentException if they cannot be compared. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            if (integral(x) && integral(y)) {
                if (x instanceof BigInteger || y instanceof BigInteger) return big(x).compareTo(big(y));
                return Long.compare(x.longValue(), y.longValue());
            }
            if (x instanceof BigDecimal || y instanceof BigDecimal || x instanceof BigInteger || y instanceof BigInteger)
                return decimal(x).compareTo(decimal(y));
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a instanceof Character c && b instanceof String s && s.length() == 1) return Character.compare(c, s.charAt(0));
        if (a instanceof String s && b instanceof Character c && s.length() == 1) return Character.compare(s.charAt(0), c);
        if (a instanceof Enum<?> e && b instanceof String s) return e.name().compareTo(s);
        if (a instanceof String s && b instanceof Enum<?> e) return s.compareTo(e.name());
        if (a instanceof Enum<?> x && b instanceof Enum<?> y && x.getDeclaringClass() == y.getDeclaringClass()) return Integer.compare(x.ordinal(), y.ordinal());
        if (a instanceof Comparable c && a.getClass() == b.getClass()) return c.compareTo(b);
        throw new IllegalArgumentException("cannot compare a " + a.getClass().getSimpleName() + " with a " + b.getClass().getSimpleName());
    }

    /** SQL-like equality: null equals nothing. */
    static boolean same(Object a, Object b, boolean ignoreCase) {
        if (a == null || b == null) return false;
        if (ignoreCase && a instanceof String x && b instanceof String y) return upper(x).equals(upper(y));
        if (a.equals(b)) return true;
        try {
            return compare(a, b) == 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static String upper(String s) { return s.toUpperCase(Locale.ROOT); }

    /** {@code value} as a {@code type} (numbers narrowed or widened when the value fits; a 1-char string as a char); IllegalArgumentException otherwise. */
    static Object coerce(Class<?> type, Object value) {
        if (value == null) return null;
        Class<?> t = boxed(type);
        if (t.isInstance(value)) return value;
        if (value instanceof Number n) {
            if (t == Long.class && integral(n)) return n.longValue();
            if (t == Integer.class && integral(n) && n.longValue() == n.intValue()) return n.intValue();
            if (t == Short.class && integral(n) && n.longValue() == n.shortValue()) return n.shortValue();
            if (t == Byte.class && integral(n) && n.longValue() == n.byteValue()) return n.byteValue();
            if (t == Double.class) return n.doubleValue();
            if (t == Float.class) return n.floatValue();
            if (t == BigDecimal.class) return decimal(n);
            if (t == BigInteger.class && integral(n)) return big(n);
        }
        if (t == Character.class && value instanceof String s && s.length() == 1) return s.charAt(0);
        if (t.isEnum() && value instanceof String s) {
            for (Object c : t.getEnumConstants()) if (((Enum<?>) c).name().equals(s)) return c;
        }
        throw new IllegalArgumentException("a " + value.getClass().getSimpleName() + " (" + value + ") does not fit a property of type " + type.getSimpleName());
    }

    /** {@code a op b} for the arithmetic of JDQL updates, in the type of {@code a} (the property's). */
    static Object arithmetic(Object a, char op, Object b) {
        if (!(a instanceof Number x) || !(b instanceof Number y))
            throw new IllegalArgumentException("arithmetic needs numbers, got " + a + " " + op + " " + b);
        if (integral(x) && integral(y) && !(x instanceof BigInteger) && !(y instanceof BigInteger)) {
            long l = x.longValue(), r = y.longValue();
            long v = switch (op) {
                case '+' -> Math.addExact(l, r);
                case '-' -> Math.subtractExact(l, r);
                case '*' -> Math.multiplyExact(l, r);
                default -> {
                    if (r == 0) throw new IllegalArgumentException("division by zero");
                    yield l / r;
                }
            };
            return coerce(x.getClass(), v);
        }
        if (x instanceof Float && !(y instanceof Double)) {
            float l = x.floatValue(), r = y.floatValue();
            return switch (op) { case '+' -> l + r; case '-' -> l - r; case '*' -> l * r; default -> l / r; };
        }
        double l = x.doubleValue(), r = y.doubleValue();
        double v = switch (op) { case '+' -> l + r; case '-' -> l - r; case '*' -> l * r; default -> l / r; };
        return x instanceof Float ? (Object) (float) v : (Object) v;
    }

    /**
     * SQL LIKE ({@code %} any run, {@code _} one character), matched by dynamic programming in
     * O(|text| * |pattern|): a pattern a client sends cannot make a replica backtrack exponentially.
     */
    static boolean like(String text, String pattern) {
        int n = text.length(), m = pattern.length();
        boolean[] prev = new boolean[n + 1], cur = new boolean[n + 1];
        prev[0] = true;
        for (int j = 1; j <= m; j++) {
            char p = pattern.charAt(j - 1);
            cur[0] = prev[0] && p == '%';
            for (int i = 1; i <= n; i++) {
                if (p == '%') cur[i] = cur[i - 1] || prev[i];
                else cur[i] = prev[i - 1] && (p == '_' || p == text.charAt(i - 1));
            }
            boolean[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[n];
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

    private static boolean integral(Number n) {
        return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte || n instanceof BigInteger;
    }

    private static BigInteger big(Number n) { return n instanceof BigInteger b ? b : BigInteger.valueOf(n.longValue()); }

    private static BigDecimal decimal(Number n) {
        if (n instanceof BigDecimal d) return d;
        if (n instanceof BigInteger b) return new BigDecimal(b);
        if (integral(n)) return BigDecimal.valueOf(n.longValue());
        return new BigDecimal(n.toString());
    }
}
