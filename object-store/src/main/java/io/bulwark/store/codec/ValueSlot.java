package io.bulwark.store.codec;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One field of a registered class or one component of a registered record: primitives are written
 * bare, everything else with its type tag. On input a value must fit the declared type, so hostile
 * bytes can never put a foreign object into a field.
 */
record ValueSlot(Class<?> owner, String name, Class<?> type) {
    /** What the codec can hand back for a collection or map. */
    private static final List<Class<?>> DECODED_CONTAINERS = List.of(
            ArrayList.class, LinkedHashSet.class, TreeSet.class, LinkedHashMap.class, TreeMap.class);

    void write(CodecKryo codec, Output out, Object value) {
        try {
            if (type.isPrimitive()) {
                Primitives.write(type, out, value);
            } else {
                codec.writeValue(out, value);
            }
        } catch (CodecException e) {
            throw new CodecException(where() + ": " + e.getMessage(), e);
        }
    }

    Object read(CodecKryo codec, Input in) {
        try {
            if (type.isPrimitive()) {
                return Primitives.read(type, in);
            }
            Object value = codec.readValue(in);
            if (value != null && !type.isInstance(value)) {
                throw new CodecException("declared " + type.getName() + " but the input holds a "
                        + value.getClass().getName());
            }
            return value;
        } catch (CodecException e) {
            throw new CodecException(where() + ": " + e.getMessage(), e);
        }
    }

    String where() {
        return owner.getSimpleName() + "." + name;
    }

    /**
     * Checked when the codec is built: a declared type the codec could never fill is a mistake to
     * report now (for example a LinkedList field, since lists decode as ArrayList, or an unregistered
     * record or enum), not when stored bytes are first read back.
     */
    void checkDecodable(TypeTable table) {
        if (type.isPrimitive() || table.isBuiltIn(type) || table.isUserType(type)) {
            return;
        }
        if (Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type)) {
            for (Class<?> decoded : DECODED_CONTAINERS) {
                if (type.isAssignableFrom(decoded)) {
                    return;
                }
            }
            throw new IllegalArgumentException("field " + owner.getName() + "." + name + " is declared "
                    + type.getName() + ", which the codec cannot decode into (lists decode as ArrayList, "
                    + "sets as LinkedHashSet or TreeSet, maps as LinkedHashMap or TreeMap); declare it as "
                    + "List, Set, SortedSet, Map or SortedMap");
        }
        if (type.isArray()) {
            if (table.componentId(type.getComponentType()) == TypeIds.NULL) {
                throw new IllegalArgumentException("field " + owner.getName() + "." + name + " is an array of "
                        + type.getComponentType().getName() + ", which is neither built in nor registered");
            }
            return;
        }
        boolean closed = type.isEnum() || type.isRecord() || java.lang.reflect.Modifier.isFinal(type.getModifiers());
        if (closed) {
            throw new IllegalArgumentException("field " + owner.getName() + "." + name + " has type "
                    + type.getName() + ", which is neither built in nor registered with the codec");
        }
    }
}
