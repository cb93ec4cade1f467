package io.bulwark.bft.msg;

import io.bulwark.bft.crypto.Digest;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The decoder's cursor over one body, with the {@link CodecLimits} it enforces: every length and
 * count is checked against its limit and against the bytes actually left before anything is
 * allocated (DESIGN principle 3), and every failure is a {@link DecodeException} with a reason.
 * One per {@link MessageCodec}, reused for every decode (so one thread at a time).
 */
final class BodyReader {
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    final CodecLimits limits;
    private byte[] buf;
    private int pos;
    private int end;

    BodyReader(CodecLimits limits) { this.limits = limits; }

    void reset(byte[] in, int off, int len) {
        buf = in;
        pos = off;
        end = off + len;
    }

    void clear() { buf = null; }

    int remaining() { return end - pos; }

    // ------------------------------------------------------------------ primitives

    void need(int n) throws DecodeException {
        if (end - pos < n) throw new DecodeException(RejectReason.TRUNCATED, "need " + n + " bytes, have " + (end - pos));
    }

    int u8() throws DecodeException {
        need(1);
        return buf[pos++] & 0xff;
    }

    /** The next byte, not consumed. */
    int peekU8() throws DecodeException {
        need(1);
        return buf[pos] & 0xff;
    }

    int u16() throws DecodeException {
        need(2);
        int v = (short) I16.get(buf, pos) & 0xffff;
        pos += 2;
        return v;
    }

    int i32() throws DecodeException {
        need(4);
        int v = (int) I32.get(buf, pos);
        pos += 4;
        return v;
    }

    long i64() throws DecodeException {
        need(8);
        long v = (long) I64.get(buf, pos);
        pos += 8;
        return v;
    }

    Digest digest() throws DecodeException {
        need(Digest.LENGTH);
        Digest d = new Digest(Arrays.copyOfRange(buf, pos, pos + Digest.LENGTH));
        pos += Digest.LENGTH;
        return d;
    }

    /** Copies a length-prefixed field after checking the length against its limit and the bytes left. */
    byte[] bytes(int len, int max, String what) throws DecodeException {
        if (len < 0) throw bad(what + " length " + len);
        if (len > max) throw new DecodeException(RejectReason.OVERSIZED, what + " of " + len + " bytes > " + max);
        need(len);
        byte[] b = Arrays.copyOfRange(buf, pos, pos + len);
        pos += len;
        return b;
    }

    /** A count bounded by its limit and by what the remaining bytes could hold at {@code minEach} bytes per element. */
    int count(int n, int max, int minEach, String what) throws DecodeException {
        if (n > max) throw new DecodeException(RejectReason.OVERSIZED, what + " count " + n + " > " + max);
        if ((long) n * minEach > end - pos) throw new DecodeException(RejectReason.TRUNCATED, what + " count " + n + " exceeds frame");
        return n;
    }

    // ------------------------------------------------------------------ protocol fields

    long view() throws DecodeException { return nonNegative(i64(), "view"); }

    long seq() throws DecodeException { return nonNegative(i64(), "seq"); }

    int replica() throws DecodeException {
        int r = i32();
        if (r < 0 || r >= limits.replicaCount()) throw bad("replica " + r);
        return r;
    }

    int principal() throws DecodeException {
        int p = i32();
        if (p < 0) throw bad("principal " + p);
        return p;
    }

    int index(String what) throws DecodeException {
        int i = i32();
        if (i < 0) throw bad(what + " index " + i);
        return i;
    }

    long[] words() throws DecodeException {
        int count = count(u16(), limits.maxStatusWords(), 8, "status bitmap");
        long[] w = new long[count];
        for (int i = 0; i < count; i++) w[i] = i64();
        return w;
    }

    static long nonNegative(long v, String what) throws DecodeException {
        if (v < 0) throw bad(what + " " + v);
        return v;
    }

    static byte[] nonEmpty(byte[] b, String what) throws DecodeException {
        if (b.length == 0) throw bad("empty " + what);
        return b;
    }

    /** {@code seq}, which must be greater than {@code last}. */
    static long after(long last, long seq, String what) throws DecodeException {
        if (seq <= last) throw bad(what + " seq " + seq + " after " + last);
        return seq;
    }

    static <T> List<T> list(T[] elements) { return Collections.unmodifiableList(Arrays.asList(elements)); }

    static DecodeException bad(String detail) { return new DecodeException(RejectReason.BAD_FIELD, detail); }
}
