package io.bulwark.bft.service;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A deterministic bench service for state transfer: its state is the whole paged region, and
 * {@code WRITE first count seed} overwrites {@code count} pages from {@code first} with
 * pseudo-random bytes that depend only on (seed, page index), calling {@link PagedState#modify}
 * for each. Two replicas that executed the same writes hold the same bytes, so their checkpoint
 * digests agree; a replica that missed them differs in exactly the pages written.
 * <pre>
 * operation: [u8 op][i32 first][i32 count][i64 seed]   op: 1 WRITE (big-endian, 17 bytes)
 *            [u8 op][i32 first][i32 count]             op: 2 CHECKSUM (9 bytes; read-only allowed)
 * result:    [u8 status][i64 value]                     status: 0 OK (value: a checksum of the pages
 *                                                       written or read), 2 ERROR (then a UTF-8 message)
 * </pre>
 * The fill is SplitMix64 over (seed, page, word): a fast, fixed function (no {@code Random}, no
 * clock, no hash-map order), so it is the same on every replica and every JVM.
 */
public final class FillService implements Service {
    public static final byte WRITE = 1, CHECKSUM = 2;
    public static final byte OK = 0, ERROR = 2;
    /** Most pages one operation may touch (bounds its execution time: 1 MB of fill). */
    public static final int MAX_PAGES_PER_OP = 256;

    private PagedState state;

    @Override public void init(PagedState state) { this.state = state; }

    public static byte[] write(int first, int count, long seed) {
        return ByteBuffer.allocate(17).order(ByteOrder.BIG_ENDIAN).put(WRITE).putInt(first).putInt(count).putLong(seed).array();
    }

    public static byte[] checksum(int first, int count) {
        return ByteBuffer.allocate(9).order(ByteOrder.BIG_ENDIAN).put(CHECKSUM).putInt(first).putInt(count).array();
    }

    /** The value of an OK result, or throws with the service's error message. */
    public static long resultValue(byte[] result) {
        if (result.length == 9 && result[0] == OK) return ByteBuffer.wrap(result, 1, 8).getLong();
        String why = result.length > 1 && result[0] == ERROR
                ? new String(result, 1, result.length - 1, java.nio.charset.StandardCharsets.UTF_8) : "malformed result";
        throw new IllegalStateException("fill service: " + why);
    }

    @Override
    public byte[] execute(byte[] op, int client, byte[] nonDet, boolean readOnly) {
        if (op.length < 9) return error("operation too short");
        ByteBuffer b = ByteBuffer.wrap(op).order(ByteOrder.BIG_ENDIAN);
        byte code = b.get();
        int first = b.getInt();
        int count = b.getInt();
        if (count < 0 || count > MAX_PAGES_PER_OP) return error("count must be 0.." + MAX_PAGES_PER_OP);
        if (first < 0 || first > state.pageCount() - count) return error("pages " + first + "+" + count + " outside " + state.pageCount());
        long sum = 0;
        switch (code) {
            case WRITE -> {
                if (op.length != 17) return error("WRITE is 17 bytes");
                if (readOnly) return error("WRITE in a read-only request");
                long seed = b.getLong();
                for (int p = first; p < first + count; p++) {
                    byte[] page = state.modify(p);
                    fill(page, seed, p);
                    sum = sum * 31 + checksum(page);
                }
            }
            case CHECKSUM -> {
                if (op.length != 9) return error("CHECKSUM is 9 bytes");
                for (int p = first; p < first + count; p++) sum = sum * 31 + checksum(state.read(p));
            }
            default -> {
                return error("unknown operation " + code);
            }
        }
        return ByteBuffer.allocate(9).put(OK).putLong(sum).array();
    }

    /** Fills {@code page} with the bytes of (seed, index): SplitMix64 of a counter, 8 bytes at a time. */
    static void fill(byte[] page, long seed, int index) {
        long x = seed * 0x9E3779B97F4A7C15L ^ (long) index * 0xC2B2AE3D27D4EB4FL;
        for (int i = 0; i + 8 <= page.length; i += 8) {
            x += 0x9E3779B97F4A7C15L;
            long z = x;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            LONGS.set(page, i, z);
        }
    }

    /** A cheap checksum of a page's bytes (not a digest: the tree's digests are what count). */
    static long checksum(byte[] page) {
        long s = 0;
        for (int i = 0; i + 8 <= page.length; i += 8) s = s * 0x100000001B3L + (long) LONGS.get(page, i);
        return s;
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static byte[] error(String message) {
        byte[] m = message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] r = new byte[1 + m.length];
        r[0] = ERROR;
        System.arraycopy(m, 0, r, 1, m.length);
        return r;
    }
}
