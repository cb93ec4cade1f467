package io.bulwark.store.codec;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The codec's primitive wire forms, strict in both directions so that every value has exactly one
 * encoding and every accepted input re-encodes to the same bytes: varints without overlong forms,
 * booleans only 0 or 1, NaN only in its canonical bit pattern, strings only as well-formed UTF-8.
 * Lengths and counts are checked against the remaining input before anything is allocated.
 * Fixed-width numbers (short, char, float, double, UUID halves, primitive array elements) are Kryo's
 * little-endian forms.
 */
final class Wire {
    static final int CANONICAL_FLOAT_NAN = Float.floatToIntBits(Float.NaN);
    static final long CANONICAL_DOUBLE_NAN = Double.doubleToLongBits(Double.NaN);

    private Wire() {
    }

    /** LEB128: seven bits a byte, least significant group first, high bit set on all but the last. */
    static void writeUnsigned(Output out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    static long readUnsigned(Input in) {
        long result = 0;
        for (int i = 0; i < 10; i++) {
            int b = in.readByte() & 0xFF;
            if (i == 9 && b > 1) {
                throw new CodecException("varint overflows 64 bits");
            }
            result |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) {
                    throw new CodecException("non-canonical varint (overlong encoding)");
                }
                return result;
            }
        }
        throw new CodecException("varint longer than 10 bytes");
    }

    /** Zigzag, so small negative numbers stay short. */
    static void writeSigned(Output out, long value) {
        writeUnsigned(out, (value << 1) ^ (value >> 63));
    }

    static long readSigned(Input in) {
        long z = readUnsigned(in);
        return (z >>> 1) ^ -(z & 1);
    }

    static int readSignedInt(Input in) {
        long v = readSigned(in);
        if (v != (int) v) {
            throw new CodecException("int value out of range: " + v);
        }
        return (int) v;
    }

    /** An unsigned varint that must fit a non-negative int (ids, lengths). */
    static int readUnsignedInt(Input in, String what) {
        long value = readUnsigned(in);
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw new CodecException(what + " out of range: " + Long.toUnsignedString(value));
        }
        return (int) value;
    }

    static int remaining(Input in) {
        return in.limit() - in.position();
    }

    /**
     * A count of items that each take at least {@code minBytesPerItem} bytes of the remaining input:
     * a hostile count fails here instead of driving an allocation.
     */
    static int readCount(Input in, int minBytesPerItem, String what) {
        long count = readUnsigned(in);
        long possible = remaining(in) / minBytesPerItem;
        // Unsigned: a count of 2^63 or more is a negative long and must not slip through as small.
        if (Long.compareUnsigned(count, possible) > 0) {
            throw new CodecException(what + " claims " + Long.toUnsignedString(count)
                    + " items but only " + remaining(in) + " bytes remain");
        }
        return (int) count;
    }

    static void writeBoolean(Output out, boolean value) {
        out.writeByte(value ? 1 : 0);
    }

    static boolean readBoolean(Input in) {
        int b = in.readByte();
        if (b != 0 && b != 1) {
            throw new CodecException("boolean byte must be 0 or 1, got " + b);
        }
        return b == 1;
    }

    /** Float bits with NaN collapsed to one pattern; -0.0 stays distinct because Float.equals says so. */
    static void writeFloat(Output out, float value) {
        out.writeInt(Float.floatToIntBits(value));
    }

    static float readFloat(Input in) {
        int bits = in.readInt();
        float value = Float.intBitsToFloat(bits);
        if (Float.isNaN(value) && bits != CANONICAL_FLOAT_NAN) {
            throw new CodecException("non-canonical float NaN bits " + Integer.toHexString(bits));
        }
        return value;
    }

    static void writeDouble(Output out, double value) {
        out.writeLong(Double.doubleToLongBits(value));
    }

    static double readDouble(Input in) {
        long bits = in.readLong();
        double value = Double.longBitsToDouble(bits);
        if (Double.isNaN(value) && bits != CANONICAL_DOUBLE_NAN) {
            throw new CodecException("non-canonical double NaN bits " + Long.toHexString(bits));
        }
        return value;
    }

    /** Byte length, then UTF-8. Unpaired surrogates are refused rather than silently replaced. */
    static void writeString(Output out, String s) {
        byte[] bytes = utf8(s);
        writeUnsigned(out, bytes.length);
        out.writeBytes(bytes);
    }

    static String readString(Input in) {
        int length = readCount(in, 1, "string");
        int start = in.position();
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(in.getBuffer(), start, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CodecException("string is not well-formed UTF-8");
        }
        in.setPosition(start + length);
        return s;
    }

    private static byte[] utf8(String s) {
        boolean ascii = true;
        for (int i = 0; i < s.length() && ascii; i++) {
            ascii = s.charAt(i) < 0x80;
        }
        if (ascii) {
            return s.getBytes(StandardCharsets.US_ASCII);
        }
        try {
            ByteBuffer buffer = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s));
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            throw new CodecException("string contains an unpaired surrogate and has no UTF-8 form");
        }
    }
}
