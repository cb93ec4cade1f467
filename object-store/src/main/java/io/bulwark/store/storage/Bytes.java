package io.bulwark.store.storage;

/** Big-endian integers inside page arrays: one encoding for every structure in the pages. */
public final class Bytes {
    private Bytes() {}

    public static int u16(byte[] b, int at) { return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF); }

    public static void u16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    public static int i32(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    public static void i32(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    public static long i64(byte[] b, int at) {
        return ((long) i32(b, at) << 32) | (i32(b, at + 4) & 0xFFFFFFFFL);
    }

    public static void i64(byte[] b, int at, long v) {
        i32(b, at, (int) (v >>> 32));
        i32(b, at + 4, (int) v);
    }

    public static byte[] ofLong(long v) {
        byte[] b = new byte[8];
        i64(b, 0, v);
        return b;
    }
}
