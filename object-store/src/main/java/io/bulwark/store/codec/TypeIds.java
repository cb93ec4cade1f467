package io.bulwark.store.codec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The stable type ids written as type tags. Changing anything here changes every stored byte.
 * <ul>
 * <li>0 is null.</li>
 * <li>1 to 127 are the built-in types, fixed by hand below (one byte on the wire). Primitive types
 * share the id of their box; every list shares {@link #LIST}, every set {@link #SET} or
 * {@link #SORTED_SET}, every map {@link #MAP} or {@link #SORTED_MAP}, every object array
 * {@link #OBJECT_ARRAY}.</li>
 * <li>Registered classes get {@code USER_BASE + (h mod USER_RANGE)} where {@code h} is the first four
 * bytes (big-endian, unsigned) of SHA-256 over the UTF-8 of the class's fully qualified binary name
 * ({@link Class#getName()}). So the id depends only on the name, never on registration order or
 * on the JVM; always four bytes on the wire. Two names that land on the same id fail the build.</li>
 * </ul>
 */
final class TypeIds {
    static final int NULL = 0;

    static final int BOOLEAN = 1;
    static final int BYTE = 2;
    static final int SHORT = 3;
    static final int CHAR = 4;
    static final int INT = 5;
    static final int LONG = 6;
    static final int FLOAT = 7;
    static final int DOUBLE = 8;
    static final int STRING = 9;
    static final int BIG_INTEGER = 10;
    static final int BIG_DECIMAL = 11;
    static final int UUID = 12;
    static final int INSTANT = 13;
    static final int LOCAL_DATE = 14;
    static final int LOCAL_DATE_TIME = 15;
    static final int LOCAL_TIME = 16;
    static final int DURATION = 17;

    static final int LIST = 20;
    static final int SET = 21;
    static final int SORTED_SET = 22;
    static final int MAP = 23;
    static final int SORTED_MAP = 24;
    static final int OBJECT_ARRAY = 25;
    /** Only ever written as the component type of an {@code Object[]}. */
    static final int OBJECT = 26;

    static final int BOOLEAN_ARRAY = 30;
    static final int BYTE_ARRAY = 31;
    static final int SHORT_ARRAY = 32;
    static final int CHAR_ARRAY = 33;
    static final int INT_ARRAY = 34;
    static final int LONG_ARRAY = 35;
    static final int FLOAT_ARRAY = 36;
    static final int DOUBLE_ARRAY = 37;

    /** 2^21: the smallest number whose varint takes four bytes. */
    static final int USER_BASE = 1 << 21;
    /** Up to 2^28 - 1, the largest number whose varint still takes four bytes. */
    static final int USER_RANGE = (1 << 28) - USER_BASE;

    private TypeIds() {
    }

    static int forName(String className) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(className.getBytes(StandardCharsets.UTF_8));
            long h = ((digest[0] & 0xFFL) << 24) | ((digest[1] & 0xFFL) << 16) | ((digest[2] & 0xFFL) << 8)
                    | (digest[3] & 0xFFL);
            return USER_BASE + (int) (h % USER_RANGE);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
