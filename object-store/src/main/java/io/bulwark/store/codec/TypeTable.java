package io.bulwark.store.codec;

import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;

import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.ToIntFunction;

/**
 * The codec's immutable type table, shared by all pooled Kryo instances: id to registration, class
 * to registration. Besides exact classes it resolves the JDK's many list, set and map classes to the
 * canonical list, set and map registrations, enum constants with bodies to their enum, and reference
 * arrays to the array registration (see {@link TypeIds} for the ids).
 */
final class TypeTable {
    private final Map<Class<?>, Registration> byClass = new HashMap<>();
    private final Map<Integer, Registration> byId = new HashMap<>();
    private final Set<Class<?>> userTypes;
    private final ClassValue<Optional<Registration>> resolved = new ClassValue<>() {
        @Override
        protected Optional<Registration> computeValue(Class<?> type) {
            return Optional.ofNullable(resolve(type));
        }
    };

    private TypeTable(Set<Class<?>> userTypes) {
        this.userTypes = userTypes;
    }

    /**
     * The table for the built-in types plus the given classes. Registration order does not matter:
     * ids come from names, and classes are processed in name order so that errors are reported the
     * same way every time.
     */
    static TypeTable build(Collection<Class<?>> requested) {
        return build(requested, type -> TypeIds.forName(type.getName()));
    }

    /** As {@link #build(Collection)} with the id function given, so that collisions can be tested. */
    static TypeTable build(Collection<Class<?>> requested, ToIntFunction<Class<?>> ids) {
        List<Class<?>> sorted = new ArrayList<>(requested);
        sorted.sort(Comparator.comparing(Class::getName));
        TypeTable builtIns = new TypeTable(Set.of());
        builtIns.addBuiltIns();
        List<Class<?>> users = new ArrayList<>();
        for (Class<?> type : sorted) {
            if (builtIns.forClass(type) == null && !users.contains(type)) {
                users.add(type);
            }
        }
        TypeTable table = new TypeTable(Set.copyOf(users));
        table.addBuiltIns();
        List<ValueSlot> slots = new ArrayList<>();
        for (Class<?> type : users) {
            Serializer<?> serializer = table.userSerializer(type, slots);
            int id = ids.applyAsInt(type);
            Registration clash = table.byId.get(id);
            if (clash != null) {
                throw new IllegalArgumentException("type id collision: " + clash.getType().getName() + " and "
                        + type.getName() + " both hash to id " + id + "; rename one of them");
            }
            table.add(type, serializer, id);
        }
        for (ValueSlot slot : slots) {
            slot.checkDecodable(table);
        }
        return table;
    }

    private Serializer<?> userSerializer(Class<?> type, List<ValueSlot> slots) {
        if (type.isPrimitive() || type.isArray()) {
            throw new IllegalArgumentException("cannot register " + type.getName() + ": arrays of registered classes "
                    + "are supported without registration, other arrays are not");
        }
        if (type.isEnum()) {
            return new EnumSerializer(type);
        }
        if (Enum.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("register the enum " + type.getSuperclass().getName()
                    + ", not the class of one of its constants");
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            throw new IllegalArgumentException("cannot register " + type.getName()
                    + ": it is abstract; register the concrete classes that implement it");
        }
        if (type.getName().startsWith("java.") || type.getName().startsWith("javax.")) {
            throw new IllegalArgumentException("cannot register the JDK class " + type.getName()
                    + ": only the built-in JDK types are supported");
        }
        if (type.isRecord()) {
            RecordValueSerializer serializer = new RecordValueSerializer(type);
            slots.addAll(serializer.slots());
            return serializer;
        }
        PlainObjectSerializer serializer = new PlainObjectSerializer(type);
        slots.addAll(serializer.slots());
        return serializer;
    }

    private void addBuiltIns() {
        add(Boolean.class, ScalarSerializer.boxOf(boolean.class), TypeIds.BOOLEAN);
        add(Byte.class, ScalarSerializer.boxOf(byte.class), TypeIds.BYTE);
        add(Short.class, ScalarSerializer.boxOf(short.class), TypeIds.SHORT);
        add(Character.class, ScalarSerializer.boxOf(char.class), TypeIds.CHAR);
        add(Integer.class, ScalarSerializer.boxOf(int.class), TypeIds.INT);
        add(Long.class, ScalarSerializer.boxOf(long.class), TypeIds.LONG);
        add(Float.class, ScalarSerializer.boxOf(float.class), TypeIds.FLOAT);
        add(Double.class, ScalarSerializer.boxOf(double.class), TypeIds.DOUBLE);
        for (Class<?> primitive : List.of(boolean.class, byte.class, short.class, char.class, int.class,
                long.class, float.class, double.class)) {
            byClass.put(primitive, byClass.get(Primitives.box(primitive)));
        }
        add(String.class, ScalarSerializer.STRING, TypeIds.STRING);
        add(BigInteger.class, ScalarSerializer.BIG_INTEGER, TypeIds.BIG_INTEGER);
        add(BigDecimal.class, ScalarSerializer.BIG_DECIMAL, TypeIds.BIG_DECIMAL);
        add(UUID.class, ScalarSerializer.UUID_SERIALIZER, TypeIds.UUID);
        add(Instant.class, ScalarSerializer.INSTANT, TypeIds.INSTANT);
        add(LocalDate.class, ScalarSerializer.LOCAL_DATE, TypeIds.LOCAL_DATE);
        add(LocalDateTime.class, ScalarSerializer.LOCAL_DATE_TIME, TypeIds.LOCAL_DATE_TIME);
        add(LocalTime.class, ScalarSerializer.LOCAL_TIME, TypeIds.LOCAL_TIME);
        add(Duration.class, ScalarSerializer.DURATION, TypeIds.DURATION);

        add(ArrayList.class, new ListSerializer(), TypeIds.LIST);
        add(LinkedHashSet.class, new CanonicalSetSerializer(false), TypeIds.SET);
        add(TreeSet.class, new CanonicalSetSerializer(true), TypeIds.SORTED_SET);
        add(LinkedHashMap.class, new CanonicalMapSerializer(false), TypeIds.MAP);
        add(TreeMap.class, new CanonicalMapSerializer(true), TypeIds.SORTED_MAP);
        add(Object[].class, new ObjectArraySerializer(), TypeIds.OBJECT_ARRAY);

        add(boolean[].class, new PrimitiveArraySerializer(boolean.class), TypeIds.BOOLEAN_ARRAY);
        add(byte[].class, new PrimitiveArraySerializer(byte.class), TypeIds.BYTE_ARRAY);
        add(short[].class, new PrimitiveArraySerializer(short.class), TypeIds.SHORT_ARRAY);
        add(char[].class, new PrimitiveArraySerializer(char.class), TypeIds.CHAR_ARRAY);
        add(int[].class, new PrimitiveArraySerializer(int.class), TypeIds.INT_ARRAY);
        add(long[].class, new PrimitiveArraySerializer(long.class), TypeIds.LONG_ARRAY);
        add(float[].class, new PrimitiveArraySerializer(float.class), TypeIds.FLOAT_ARRAY);
        add(double[].class, new PrimitiveArraySerializer(double.class), TypeIds.DOUBLE_ARRAY);
    }

    private void add(Class<?> type, Serializer<?> serializer, int id) {
        Registration registration = new Registration(type, serializer, id);
        byClass.put(type, registration);
        byId.put(id, registration);
    }

    /** The registration a value of this runtime class is written with, or null if it cannot be. */
    Registration forClass(Class<?> type) {
        return resolved.get(type).orElse(null);
    }

    Registration forId(int id) {
        return byId.get(id);
    }

    boolean isBuiltIn(Class<?> type) {
        return byClass.containsKey(type) && !userTypes.contains(type);
    }

    boolean isUserType(Class<?> type) {
        return userTypes.contains(type);
    }

    /** The id naming an array's component type, or NULL if arrays of it are not supported. */
    int componentId(Class<?> component) {
        if (component == Object.class) {
            return TypeIds.OBJECT;
        }
        Registration registration = component.isPrimitive() ? null : byClass.get(component);
        // Arrays of reference arrays would need the inner component too; they are not supported.
        return registration == null || registration.getId() == TypeIds.OBJECT_ARRAY ? TypeIds.NULL : registration.getId();
    }

    Class<?> componentForId(int id) {
        if (id == TypeIds.OBJECT) {
            return Object.class;
        }
        Registration registration = byId.get(id);
        return registration == null || registration.getId() == TypeIds.OBJECT_ARRAY ? null : registration.getType();
    }

    private Registration resolve(Class<?> type) {
        Registration direct = byClass.get(type);
        if (direct != null) {
            return direct;
        }
        if (Enum.class.isAssignableFrom(type) && !type.isEnum() && type.getSuperclass() != null
                && type.getSuperclass().isEnum()) {
            return byClass.get(type.getSuperclass());
        }
        if (type.isArray()) {
            return componentId(type.getComponentType()) == TypeIds.NULL ? null : byClass.get(Object[].class);
        }
        // Only the JDK's own collections: a user subclass of ArrayList could carry state a list does not.
        if (type.getName().startsWith("java.util.")) {
            if (SortedSet.class.isAssignableFrom(type)) {
                return byClass.get(TreeSet.class);
            } else if (Set.class.isAssignableFrom(type)) {
                return byClass.get(LinkedHashSet.class);
            } else if (List.class.isAssignableFrom(type)) {
                return byClass.get(ArrayList.class);
            } else if (SortedMap.class.isAssignableFrom(type)) {
                return byClass.get(TreeMap.class);
            } else if (Map.class.isAssignableFrom(type)) {
                return byClass.get(LinkedHashMap.class);
            }
        }
        return null;
    }

    static CodecException unregistered(Class<?> type) {
        return new CodecException("class " + type.getName() + " is neither built in nor registered with the codec"
                + " (register it with DeterministicCodec.builder().register(...))");
    }
}
