package io.bulwark.store.codec;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * The eight primitive wire forms, shared by primitive fields (written without a type tag) and by
 * the boxed types. int and long are zigzag varints; the others have fixed widths.
 */
final class Primitives {
    private Primitives() {
    }

    static void write(Class<?> type, Output out, Object value) {
        if (type == boolean.class) {
            Wire.writeBoolean(out, (Boolean) value);
        } else if (type == byte.class) {
            out.writeByte((Byte) value);
        } else if (type == short.class) {
            out.writeShort((Short) value);
        } else if (type == char.class) {
            out.writeChar((Character) value);
        } else if (type == int.class) {
            Wire.writeSigned(out, (Integer) value);
        } else if (type == long.class) {
            Wire.writeSigned(out, (Long) value);
        } else if (type == float.class) {
            Wire.writeFloat(out, (Float) value);
        } else if (type == double.class) {
            Wire.writeDouble(out, (Double) value);
        } else {
            throw new IllegalArgumentException("not a primitive type: " + type);
        }
    }

    static Object read(Class<?> type, Input in) {
        if (type == boolean.class) {
            return Wire.readBoolean(in);
        } else if (type == byte.class) {
            return in.readByte();
        } else if (type == short.class) {
            return in.readShort();
        } else if (type == char.class) {
            return in.readChar();
        } else if (type == int.class) {
            return Wire.readSignedInt(in);
        } else if (type == long.class) {
            return Wire.readSigned(in);
        } else if (type == float.class) {
            return Wire.readFloat(in);
        } else if (type == double.class) {
            return Wire.readDouble(in);
        }
        throw new IllegalArgumentException("not a primitive type: " + type);
    }

    static Class<?> box(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        if (type == boolean.class) {
            return Boolean.class;
        } else if (type == byte.class) {
            return Byte.class;
        } else if (type == short.class) {
            return Short.class;
        } else if (type == char.class) {
            return Character.class;
        } else if (type == int.class) {
            return Integer.class;
        } else if (type == long.class) {
            return Long.class;
        } else if (type == float.class) {
            return Float.class;
        } else if (type == double.class) {
            return Double.class;
        }
        return Void.class;
    }
}
