package io.bulwark.store.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A registered record: its components sorted by name (so reordering the record header does not
 * change the bytes), each through a {@link ValueSlot}; decoding calls the canonical constructor, so
 * a record's own validation also guards decoded input.
 */
final class RecordValueSerializer extends Serializer<Object> {
    private final Class<?> type;
    private final ValueSlot[] slots;
    private final Method[] accessors;
    private final int[] constructorIndex;
    private final Constructor<?> constructor;

    RecordValueSerializer(Class<?> type) {
        super(false, true);
        this.type = type;
        RecordComponent[] declared = type.getRecordComponents();
        Class<?>[] parameterTypes = new Class<?>[declared.length];
        for (int i = 0; i < declared.length; i++) {
            parameterTypes[i] = declared[i].getType();
        }
        Integer[] order = new Integer[declared.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparing(i -> declared[i].getName()));
        slots = new ValueSlot[declared.length];
        accessors = new Method[declared.length];
        constructorIndex = new int[declared.length];
        try {
            for (int i = 0; i < order.length; i++) {
                RecordComponent component = declared[order[i]];
                slots[i] = new ValueSlot(type, component.getName(), component.getType());
                accessors[i] = component.getAccessor();
                accessors[i].setAccessible(true);
                constructorIndex[i] = order[i];
            }
            constructor = type.getDeclaredConstructor(parameterTypes);
            constructor.setAccessible(true);
        } catch (NoSuchMethodException | RuntimeException e) {
            throw new IllegalArgumentException("record " + type.getName() + " cannot be accessed by the codec: " + e, e);
        }
    }

    List<ValueSlot> slots() {
        return List.of(slots);
    }

    @Override
    public void write(Kryo kryo, Output out, Object value) {
        CodecKryo codec = (CodecKryo) kryo;
        for (int i = 0; i < slots.length; i++) {
            Object component;
            try {
                component = accessors[i].invoke(value);
            } catch (IllegalAccessException e) {
                throw new CodecException(slots[i].where() + ": accessor failed: " + FailureText.of(e), e);
            } catch (InvocationTargetException e) {
                FailureText.unlessError(e.getCause());
                throw new CodecException(slots[i].where() + ": accessor failed: " + FailureText.of(e.getCause()), e.getCause());
            }
            slots[i].write(codec, out, component);
        }
    }

    @Override
    public Object read(Kryo kryo, Input in, Class<?> ignored) {
        CodecKryo codec = (CodecKryo) kryo;
        Object[] arguments = new Object[slots.length];
        for (int i = 0; i < slots.length; i++) {
            arguments[constructorIndex[i]] = slots[i].read(codec, in);
        }
        try {
            return constructor.newInstance(arguments);
        } catch (InvocationTargetException e) {
            FailureText.unlessError(e.getCause());   // an Error is this replica's, not the request's: never a reply
            throw new CodecException("record " + type.getName() + " rejected the decoded components: "
                    + FailureText.of(e.getCause()), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new CodecException("record " + type.getName() + " cannot be constructed: " + FailureText.of(e), e);
        }
    }
}
