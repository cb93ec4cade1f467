package io.bulwark.store.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A registered plain class (an entity or an embedded value object): its instance fields, its
 * superclasses' included, sorted by name and then declaring class — reflection returns fields in no
 * specified order, so the order is fixed here. Static and {@code transient} fields are skipped, and so
 * are fields carrying an annotation named {@code Transient} (Bulwark's own, Jakarta Persistence's):
 * state the application marks as not persistent is not encoded. Decoding uses the class's no-argument
 * constructor (of any visibility), so skipped fields keep their initialisers. For an entity class this
 * is the same set of fields the store stores: {@code schema.EntityModel} refuses a persistent field
 * with a {@code Transient} annotation other than Bulwark's.
 */
final class PlainObjectSerializer extends Serializer<Object> {
    private final Class<?> type;
    private final Constructor<?> constructor;
    private final Field[] fields;
    private final ValueSlot[] slots;

    PlainObjectSerializer(Class<?> type) {
        super(false, false);
        this.type = type;
        if (type.isMemberClass() && !Modifier.isStatic(type.getModifiers())) {
            throw new IllegalArgumentException(type.getName() + " is an inner class; make it static to register it");
        }
        if (type.isAnonymousClass() || type.isLocalClass()) {
            throw new IllegalArgumentException(type.getName() + " is an anonymous or local class and cannot be registered");
        }
        List<Field> found = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (persistent(f)) {
                    found.add(f);
                }
            }
        }
        found.sort(Comparator.comparing(Field::getName).thenComparing(f -> f.getDeclaringClass().getName()));
        fields = found.toArray(new Field[0]);
        slots = new ValueSlot[fields.length];
        try {
            for (int i = 0; i < fields.length; i++) {
                fields[i].setAccessible(true);
                slots[i] = new ValueSlot(type, fields[i].getName(), fields[i].getType());
            }
            constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(type.getName() + " needs a no-argument constructor to be registered");
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(type.getName() + " cannot be accessed by the codec: " + e, e);
        }
    }

    private static boolean persistent(Field f) {
        int modifiers = f.getModifiers();
        if (Modifier.isStatic(modifiers) || Modifier.isTransient(modifiers) || f.isSynthetic()) {
            return false;
        }
        for (Annotation a : f.getAnnotations()) {
            if (a.annotationType().getSimpleName().equals("Transient")) {
                return false;
            }
        }
        return true;
    }

    List<ValueSlot> slots() {
        return List.of(slots);
    }

    @Override
    public void write(Kryo kryo, Output out, Object value) {
        CodecKryo codec = (CodecKryo) kryo;
        for (int i = 0; i < fields.length; i++) {
            Object fieldValue;
            try {
                fieldValue = fields[i].get(value);
            } catch (IllegalAccessException e) {
                throw new CodecException(slots[i].where() + ": cannot be read: " + FailureText.of(e), e);
            }
            slots[i].write(codec, out, fieldValue);
        }
    }

    @Override
    public Object read(Kryo kryo, Input in, Class<?> ignored) {
        CodecKryo codec = (CodecKryo) kryo;
        Object instance;
        try {
            instance = constructor.newInstance();
        } catch (InvocationTargetException e) {
            FailureText.unlessError(e.getCause());   // an Error is this replica's, not the request's: never a reply
            throw new CodecException("the constructor of " + type.getName() + " failed: " + FailureText.of(e.getCause()), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new CodecException(type.getName() + " cannot be instantiated: " + FailureText.of(e), e);
        }
        for (int i = 0; i < fields.length; i++) {
            Object fieldValue = slots[i].read(codec, in);
            try {
                fields[i].set(instance, fieldValue);
            } catch (IllegalAccessException e) {
                throw new CodecException(slots[i].where() + ": cannot be set: " + FailureText.of(e), e);
            }
        }
        return instance;
    }
}
