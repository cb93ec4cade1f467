package io.bulwark.store.key;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.UUID;

/**
 * Order-preserving byte encodings of ids and indexed values: for two values a and b of one type,
 * {@code a < b} exactly when {@code encode(a)} is less than {@code encode(b)} compared as unsigned
 * bytes, which is the order of the B+trees. Every encoding is also <em>prefix-free</em> within its
 * type (fixed width, or a terminator), so a value followed by an id ({@link #composite}) sorts by
 * value first and then by id, and all entries of one value share the value's encoding as a prefix.
 * <ul>
 * <li>Signed integers (byte, short, int, long): big-endian with the sign bit flipped.</li>
 * <li>char: big-endian, unsigned. boolean: 0 or 1.</li>
 * <li>String: UTF-8 with 0x00 escaped as 0x00 0xFF and terminated by 0x00 0x01, so "ab" sorts before
 *     "ab\0" and "abc". The order is by code point (UTF-8's order), which differs from
 *     {@link String#compareTo} only for characters above U+FFFF. A string with an unpaired surrogate
 *     is rejected: UTF-8 would replace it and two different strings would get one key.</li>
 * <li>Enum: its name, as a string — so renumbering constants never reorders stored keys.</li>
 * <li>UUID: the two longs as unsigned big-endian (the order of the 128-bit value, not
 *     {@link UUID#compareTo}'s signed order).</li>
 * <li>Instant: epoch seconds (signed) then nanos; LocalDate: epoch day (signed); LocalDateTime: epoch
 *     day then nano of day.</li>
 * </ul>
 * Null indexed values: {@link #encodeValue} prefixes every value with a presence byte, 0x00 for null
 * and 0x01 otherwise, so nulls are indexed, can be found, and sort before every other value (NULLS
 * FIRST). Ids ({@link #encodeId}) are never null and carry no presence byte.
 */
public final class KeyEncoding {
    private static final byte NULL = 0x00;
    private static final byte PRESENT = 0x01;

    private KeyEncoding() {}

    /** Whether values of this type (a field's declared type) have a key encoding. */
    public static boolean supports(Class<?> type) {
        return type == long.class || type == Long.class || type == int.class || type == Integer.class
                || type == short.class || type == Short.class || type == byte.class || type == Byte.class
                || type == char.class || type == Character.class || type == boolean.class || type == Boolean.class
                || type == String.class || type == UUID.class || type.isEnum()
                || type == Instant.class || type == LocalDate.class || type == LocalDateTime.class;
    }

    /** Whether this type may be an entity id. */
    public static boolean supportsId(Class<?> type) {
        return type == long.class || type == Long.class || type == int.class || type == Integer.class
                || type == String.class || type == UUID.class;
    }

    /**
     * Converts a value given for a field of {@code type} (for instance a query argument) to that type:
     * integral numbers are accepted for any integral type they fit in, everything else must already be
     * an instance of the type. Null stays null.
     *
     * @throws IllegalArgumentException if the value does not fit the type
     */
    public static Object coerce(Class<?> type, Object value) {
        if (value == null) return null;
        Class<?> boxed = box(type);
        if (boxed.isInstance(value)) return value;
        if (isIntegral(boxed) && (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte)) {
            long v = ((Number) value).longValue();
            if (boxed == Long.class) return v;
            if (boxed == Integer.class && v == (int) v) return (int) v;
            if (boxed == Short.class && v == (short) v) return (short) v;
            if (boxed == Byte.class && v == (byte) v) return (byte) v;
            throw new IllegalArgumentException(v + " does not fit in " + type.getSimpleName());
        }
        throw new IllegalArgumentException("a " + value.getClass().getName() + " is not a " + type.getName());
    }

    /** The key of an id (never null) of a type for which {@link #supportsId} holds. */
    public static byte[] encodeId(Class<?> type, Object id) {
        if (id == null) throw new IllegalArgumentException("an id is never null");
        if (!supportsId(type)) throw new IllegalArgumentException(type.getName() + " cannot be an id");
        Sink out = new Sink();
        body(box(type), coerce(type, id), out);
        return out.toByteArray();
    }

    /** The key of an indexed value (null allowed), with its presence byte. */
    public static byte[] encodeValue(Class<?> type, Object value) {
        if (!supports(type)) throw new IllegalArgumentException(type.getName() + " has no key encoding");
        Sink out = new Sink();
        if (value == null) {
            out.write(NULL);
        } else {
            out.write(PRESENT);
            body(box(type), coerce(type, value), out);
        }
        return out.toByteArray();
    }

    /** The key of a (value, id) entry: the value's encoding followed by the id's. */
    public static byte[] composite(byte[] value, byte[] id) {
        byte[] k = Arrays.copyOf(value, value.length + id.length);
        System.arraycopy(id, 0, k, value.length, id.length);
        return k;
    }

    /**
     * The smallest key greater than every key that starts with {@code prefix}, for scanning all
     * entries of one value; null (unbounded) if there is none (the prefix is all 0xFF).
     */
    public static byte[] prefixEnd(byte[] prefix) {
        byte[] end = prefix.clone();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xFF) {
                end[i]++;
                return Arrays.copyOf(end, i + 1);
            }
        }
        return null;
    }

    private static void body(Class<?> boxed, Object v, Sink out) {
        if (boxed == Long.class) out.writeLong((Long) v ^ Long.MIN_VALUE);
        else if (boxed == Integer.class) out.writeInt((Integer) v ^ Integer.MIN_VALUE);
        else if (boxed == Short.class) out.writeShort((short) ((Short) v ^ Short.MIN_VALUE));
        else if (boxed == Byte.class) out.write((byte) ((Byte) v ^ Byte.MIN_VALUE));
        else if (boxed == Character.class) out.writeShort((short) (char) (Character) v);
        else if (boxed == Boolean.class) out.write((Boolean) v ? (byte) 1 : (byte) 0);
        else if (boxed == String.class) writeString((String) v, out);
        else if (boxed.isEnum()) writeString(((Enum<?>) v).name(), out);
        else if (boxed == UUID.class) {
            UUID u = (UUID) v;
            out.writeLong(u.getMostSignificantBits());
            out.writeLong(u.getLeastSignificantBits());
        } else if (boxed == Instant.class) {
            Instant i = (Instant) v;
            out.writeLong(i.getEpochSecond() ^ Long.MIN_VALUE);
            out.writeInt(i.getNano());
        } else if (boxed == LocalDate.class) {
            out.writeLong(((LocalDate) v).toEpochDay() ^ Long.MIN_VALUE);
        } else if (boxed == LocalDateTime.class) {
            LocalDateTime t = (LocalDateTime) v;
            out.writeLong(t.toLocalDate().toEpochDay() ^ Long.MIN_VALUE);
            out.writeLong(t.toLocalTime().toNanoOfDay());
        } else {
            throw new IllegalArgumentException(boxed.getName() + " has no key encoding");
        }
    }

    private static void writeString(String s, Sink out) {
        byte[] utf8;
        try {
            // A fresh encoder that reports, rather than replaces, unpaired surrogates.
            CharsetEncoder enc = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            ByteBuffer b = enc.encode(CharBuffer.wrap(s));
            utf8 = new byte[b.remaining()];
            b.get(utf8);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("a string with an unpaired surrogate cannot be a key");
        }
        for (byte c : utf8) {
            out.write(c);
            if (c == 0) out.write((byte) 0xFF);
        }
        out.write((byte) 0);
        out.write((byte) 1);
    }

    private static boolean isIntegral(Class<?> boxed) {
        return boxed == Long.class || boxed == Integer.class || boxed == Short.class || boxed == Byte.class;
    }

    static Class<?> box(Class<?> t) {
        if (!t.isPrimitive()) return t;
        if (t == long.class) return Long.class;
        if (t == int.class) return Integer.class;
        if (t == short.class) return Short.class;
        if (t == byte.class) return Byte.class;
        if (t == char.class) return Character.class;
        if (t == boolean.class) return Boolean.class;
        if (t == double.class) return Double.class;
        if (t == float.class) return Float.class;
        return Void.class;
    }

    private static final class Sink extends ByteArrayOutputStream {
        Sink() { super(16); }

        void write(byte b) { super.write(b); }

        void writeShort(short v) { write((byte) (v >>> 8)); write((byte) v); }

        void writeInt(int v) { for (int s = 24; s >= 0; s -= 8) write((byte) (v >>> s)); }

        void writeLong(long v) { for (int s = 56; s >= 0; s -= 8) write((byte) (v >>> s)); }
    }
}
