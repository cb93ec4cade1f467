package io.bulwark.store.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.lang.reflect.Array;

/**
 * A primitive array: its length, then every element at a fixed width (booleans one byte, floats
 * and doubles with canonical NaN). Fixed widths make the allocation exactly checkable: a length
 * is accepted only if the remaining input holds that many elements.
 */
final class PrimitiveArraySerializer extends Serializer<Object> {
    private final Class<?> component;
    private final int width;

    PrimitiveArraySerializer(Class<?> component) {
        super(false, false);
        this.component = component;
        this.width = widthOf(component);
    }

    private static int widthOf(Class<?> component) {
        if (component == boolean.class || component == byte.class) {
            return 1;
        } else if (component == short.class || component == char.class) {
            return 2;
        } else if (component == int.class || component == float.class) {
            return 4;
        } else if (component == long.class || component == double.class) {
            return 8;
        }
        throw new IllegalArgumentException("not a primitive component type: " + component);
    }

    @Override
    public void write(Kryo kryo, Output out, Object array) {
        int length = Array.getLength(array);
        Wire.writeUnsigned(out, length);
        if (array instanceof byte[] bytes) {
            out.writeBytes(bytes);
        } else if (array instanceof boolean[] a) {
            for (boolean v : a) {
                Wire.writeBoolean(out, v);
            }
        } else if (array instanceof short[] a) {
            for (short v : a) {
                out.writeShort(v);
            }
        } else if (array instanceof char[] a) {
            for (char v : a) {
                out.writeChar(v);
            }
        } else if (array instanceof int[] a) {
            for (int v : a) {
                out.writeInt(v);
            }
        } else if (array instanceof float[] a) {
            for (float v : a) {
                Wire.writeFloat(out, v);
            }
        } else if (array instanceof long[] a) {
            for (long v : a) {
                out.writeLong(v);
            }
        } else if (array instanceof double[] a) {
            for (double v : a) {
                Wire.writeDouble(out, v);
            }
        }
    }

    @Override
    public Object read(Kryo kryo, Input in, Class<?> type) {
        int length = Wire.readCount(in, width, component.getName() + " array");
        if (component == byte.class) {
            return in.readBytes(length);
        } else if (component == boolean.class) {
            boolean[] a = new boolean[length];
            for (int i = 0; i < length; i++) {
                a[i] = Wire.readBoolean(in);
            }
            return a;
        } else if (component == short.class) {
            short[] a = new short[length];
            for (int i = 0; i < length; i++) {
                a[i] = in.readShort();
            }
            return a;
        } else if (component == char.class) {
            char[] a = new char[length];
            for (int i = 0; i < length; i++) {
                a[i] = in.readChar();
            }
            return a;
        } else if (component == int.class) {
            int[] a = new int[length];
            for (int i = 0; i < length; i++) {
                a[i] = in.readInt();
            }
            return a;
        } else if (component == float.class) {
            float[] a = new float[length];
            for (int i = 0; i < length; i++) {
                a[i] = Wire.readFloat(in);
            }
            return a;
        } else if (component == long.class) {
            long[] a = new long[length];
            for (int i = 0; i < length; i++) {
                a[i] = in.readLong();
            }
            return a;
        }
        double[] a = new double[length];
        for (int i = 0; i < length; i++) {
            a[i] = Wire.readDouble(in);
        }
        return a;
    }
}
