package io.bulwark.bft.service;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The operation and result encoding of the built-in key-value service, shared by the service,
 * the scripting client and the simulator.
 * <pre>
 * operation: [u8 op][u8 keyLength][key][value]   op: 1 PUT, 2 GET, 3 DELETE
 * result:    [u8 status][value]                  status: 0 OK/absent, 1 VALUE, 2 ERROR (value = UTF-8 message)
 * </pre>
 */
public final class KvOps {
    public static final byte PUT = 1, GET = 2, DELETE = 3;
    public static final byte OK = 0, VALUE = 1, ERROR = 2;
    public static final int MAX_KEY = 255;
    public static final int MAX_VALUE = 2048;

    private KvOps() {}

    public static byte[] put(byte[] key, byte[] value) { return op(PUT, key, value); }
    public static byte[] get(byte[] key) { return op(GET, key, new byte[0]); }
    public static byte[] delete(byte[] key) { return op(DELETE, key, new byte[0]); }

    public static byte[] put(String key, String value) { return put(utf8(key), utf8(value)); }
    public static byte[] get(String key) { return get(utf8(key)); }

    private static byte[] op(byte code, byte[] key, byte[] value) {
        if (key.length == 0 || key.length > MAX_KEY) throw new IllegalArgumentException("key must be 1.." + MAX_KEY + " bytes");
        if (value.length > MAX_VALUE) throw new IllegalArgumentException("value must be at most " + MAX_VALUE + " bytes");
        byte[] b = new byte[2 + key.length + value.length];
        b[0] = code;
        b[1] = (byte) key.length;
        System.arraycopy(key, 0, b, 2, key.length);
        System.arraycopy(value, 0, b, 2 + key.length, value.length);
        return b;
    }

    public static byte[] ok() { return new byte[] {OK}; }

    public static byte[] value(byte[] v) {
        byte[] b = new byte[1 + v.length];
        b[0] = VALUE;
        System.arraycopy(v, 0, b, 1, v.length);
        return b;
    }

    public static byte[] error(String message) {
        byte[] m = utf8(message);
        byte[] b = new byte[1 + m.length];
        b[0] = ERROR;
        System.arraycopy(m, 0, b, 1, m.length);
        return b;
    }

    /** A human-readable rendering of a result, for the scripting client. */
    public static String describe(byte[] result) {
        if (result.length == 0) return "(empty result)";
        return switch (result[0]) {
            case OK -> result.length == 1 ? "OK" : "OK?";
            case VALUE -> new String(Arrays.copyOfRange(result, 1, result.length), StandardCharsets.UTF_8);
            case ERROR -> "error: " + new String(Arrays.copyOfRange(result, 1, result.length), StandardCharsets.UTF_8);
            default -> "(unknown result status " + result[0] + ")";
        };
    }

    public static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }
}
