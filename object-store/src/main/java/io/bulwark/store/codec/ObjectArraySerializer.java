package io.bulwark.store.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;

/**
 * An array of references ({@code String[]}, {@code Item[]}, {@code int[][]}, {@code Object[]}): the
 * component type's id, the length, then each element with its type tag. The component must be a
 * built-in or registered class itself (or Object). Elements are read into a growing list and the
 * array is made at the end, so a hostile length never sizes an allocation.
 */
final class ObjectArraySerializer extends Serializer<Object[]> {
    ObjectArraySerializer() {
        super(false, false);
    }

    @Override
    public void write(Kryo kryo, Output out, Object[] array) {
        CodecKryo codec = (CodecKryo) kryo;
        Class<?> component = array.getClass().getComponentType();
        int componentId = codec.table().componentId(component);
        if (componentId == TypeIds.NULL) {
            throw new CodecException("arrays of " + component.getName()
                    + " are not supported: the component type must be a built-in or registered class, or Object");
        }
        Wire.writeUnsigned(out, componentId);
        Wire.writeUnsigned(out, array.length);
        for (Object element : array) {
            codec.writeValue(out, element);
        }
    }

    @Override
    public Object[] read(Kryo kryo, Input in, Class<? extends Object[]> type) {
        CodecKryo codec = (CodecKryo) kryo;
        int componentId = Wire.readUnsignedInt(in, "array component type id");
        Class<?> component = codec.table().componentForId(componentId);
        if (component == null) {
            throw new CodecException("unknown array component type id " + componentId);
        }
        int count = Wire.readCount(in, 1, "array");
        List<Object> elements = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Object element = codec.readValue(in);
            if (element != null && !component.isInstance(element)) {
                throw new CodecException("a " + component.getName() + " array cannot hold a "
                        + element.getClass().getName());
            }
            elements.add(element);
        }
        return elements.toArray((Object[]) Array.newInstance(component, elements.size()));
    }
}
