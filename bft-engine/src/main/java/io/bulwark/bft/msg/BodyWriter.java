package io.bulwark.bft.msg;

import io.bulwark.bft.crypto.Digest;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;

/** Big-endian field writers and the size checks the codecs share (package-private: the codecs' toolkit). */
final class BodyWriter {
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private BodyWriter() {}

    static int putByte(byte[] b, int o, int v) { b[o] = (byte) v; return o + 1; }
    static int putShort(byte[] b, int o, int v) { I16.set(b, o, (short) v); return o + 2; }
    static int putInt(byte[] b, int o, int v) { I32.set(b, o, v); return o + 4; }
    static int putLong(byte[] b, int o, long v) { I64.set(b, o, v); return o + 8; }

    static int putDigest(byte[] b, int o, Digest d) {
        System.arraycopy(d.bytes(), 0, b, o, Digest.LENGTH);
        return o + Digest.LENGTH;
    }

    static int putBytes16(byte[] b, int o, byte[] v) {
        o = putShort(b, o, v.length);
        System.arraycopy(v, 0, b, o, v.length);
        return o + v.length;
    }

    static int putBytes32(byte[] b, int o, byte[] v) {
        o = putInt(b, o, v.length);
        System.arraycopy(v, 0, b, o, v.length);
        return o + v.length;
    }

    static int putWords(byte[] b, int o, long[] w) {
        o = putShort(b, o, w.length);
        for (long x : w) o = putLong(b, o, x);
        return o;
    }

    // ------------------------------------------------------------------ size checks (IllegalArgumentException: a bug of the sender)

    static int u16Len(byte[] b, String what) {
        if (b == null) throw new IllegalArgumentException(what + " is null");
        if (b.length > 0xffff) throw new IllegalArgumentException(what + " longer than 65535 bytes");
        return b.length;
    }

    static int u16Words(long[] w) {
        if (w == null) throw new IllegalArgumentException("status bitmap is null");
        if (w.length > 0xffff) throw new IllegalArgumentException("status bitmap too long");
        return w.length;
    }

    static int u16Count(List<?> list, String what) {
        if (list == null) throw new IllegalArgumentException(what + " is null");
        if (list.size() > 0xffff) throw new IllegalArgumentException(what + ": more than 65535 entries");
        return list.size();
    }

    static void u8(String what, int v) {
        if (v < 0 || v > 0xff) throw new IllegalArgumentException(what + " " + v + " outside 0..255");
    }

    static int checkedSize(long size) {
        if (size > Integer.MAX_VALUE - 64) throw new IllegalArgumentException("message too large: " + size);
        return (int) size;
    }
}
