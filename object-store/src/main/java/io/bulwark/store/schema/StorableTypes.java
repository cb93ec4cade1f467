package io.bulwark.store.schema;

import io.bulwark.store.codec.DeterministicCodec;
import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * Refuses, when a store is defined, a persistent field (or record component) of an entity or value
 * class whose declared type the codec can never store: a JDK class that is not one of its built-in
 * types ({@code java.util.Date}, {@code AtomicLong}, {@code Calendar}, {@code Optional}, ...), {@code Object}
 * or another JDK supertype that says nothing of what it holds ({@code Number}, {@code Serializable}),
 * a concrete class of the application that is not registered, or an abstract type no registered class
 * implements — also as the element type of a collection, map or array. Without this the definition
 * builds and the first write fails on the replicas. Each refusal names the field and says what to use.
 */
public final class StorableTypes {
    /** JDK container interfaces the codec decodes into (lists as ArrayList, sets and maps as linked or sorted ones). */
    private static final List<Class<?>> CONTAINERS = List.of(List.class, Collection.class, Set.class, SortedSet.class, Map.class, SortedMap.class);

    private StorableTypes() {}

    /** IllegalArgumentException naming the first field of {@code type} the codec cannot store. */
    public static void check(Class<?> type, DeterministicCodec codec, Collection<Class<?>> registered) {
        if (type.isEnum()) return;
        if (type.isRecord()) {
            for (RecordComponent c : type.getRecordComponents()) checkType(type, c.getName(), c.getGenericType(), codec, registered);
            return;
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!persistent(f)) continue;
                checkType(c, f.getName(), f.getGenericType(), codec, registered);
            }
        }
    }

    private static boolean persistent(Field f) {
        int mod = f.getModifiers();
        if (Modifier.isStatic(mod) || Modifier.isTransient(mod) || f.isSynthetic()) return false;
        for (Annotation a : f.getAnnotations()) if (a.annotationType().getSimpleName().equals("Transient")) return false;
        return true;
    }

    private static void checkType(Class<?> owner, String field, Type declared, DeterministicCodec codec, Collection<Class<?>> registered) {
        if (declared instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            checkType(owner, field, raw, codec, registered);
            for (Type arg : p.getActualTypeArguments()) checkType(owner, field + "<element>", arg, codec, registered);
            return;
        }
        if (declared instanceof GenericArrayType g) {
            checkType(owner, field + "[]", g.getGenericComponentType(), codec, registered);
            return;
        }
        if (declared instanceof WildcardType w) {
            for (Type upper : w.getUpperBounds()) checkType(owner, field, upper, codec, registered);
            return;
        }
        if (declared instanceof TypeVariable<?> v) {
            for (Type bound : v.getBounds()) checkType(owner, field, bound, codec, registered);
            return;
        }
        Class<?> t = (Class<?>) declared;
        String where = "field " + owner.getName() + "." + field;
        if (t.isPrimitive() || codec.isRegistered(t)) return;   // built in (UUID, ArrayList, ...) or registered
        if (CONTAINERS.contains(t)) return;
        if (t.isArray()) {
            checkType(owner, field + "[]", t.getComponentType(), codec, registered);
            return;
        }
        String name = t.getName();
        if (name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.") || name.startsWith("sun.")) {
            throw new IllegalArgumentException(where + " has type " + name + ", which the store's codec cannot store: " + jdkAdvice(t));
        }
        if (t.isInterface() || Modifier.isAbstract(t.getModifiers())) {
            for (Class<?> r : registered) if (t.isAssignableFrom(r) && r != t) return;
            throw new IllegalArgumentException(where + " has the abstract type " + name + " and no class registered with the store "
                    + "implements it: add the concrete classes it holds with StoreDefinition.builder().values(...)");
        }
        throw new IllegalArgumentException(where + " has type " + name + ", which is not registered with the store: add it with "
                + "StoreDefinition.builder().values(" + t.getSimpleName() + ".class) (or entities(...) if it is an entity)");
    }

    private static String jdkAdvice(Class<?> t) {
        String name = t.getName();
        if (name.equals("java.util.Date") || name.equals("java.sql.Timestamp") || name.equals("java.util.Calendar")
                || name.startsWith("java.time.") || name.equals("java.sql.Date"))
            return "use java.time.Instant, LocalDate, LocalDateTime, LocalTime or Duration";
        if (name.startsWith("java.util.concurrent.atomic."))
            return "use a plain long, int or boolean field (an operation runs alone on each replica: no atomics are needed)";
        if (name.equals("java.util.Optional")) return "declare the value's own type and use null for none";
        if (t == Object.class || t == Number.class || t == java.io.Serializable.class || t == Comparable.class)
            return "declare the concrete type it holds (a primitive, String, BigDecimal, a java.time type, a registered record, enum or class)";
        if (Collection.class.isAssignableFrom(t) || Map.class.isAssignableFrom(t))
            return "declare it as List, Set, SortedSet, Map or SortedMap";
        return "use a primitive, String, BigInteger, BigDecimal, UUID, a java.time type (Instant, LocalDate, LocalDateTime, LocalTime, "
                + "Duration), List, Set, SortedSet, Map, SortedMap, an array, or a registered record, enum or class";
    }
}
