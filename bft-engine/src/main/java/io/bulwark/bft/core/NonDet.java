package io.bulwark.bft.core;

/**
 * The non-deterministic input agreed in each pre-prepare (section 3 and [6]): the primary's clock
 * in milliseconds, 8 bytes big-endian. Backups accept it within a skew of their own clock, and
 * execution uses max(previous, proposed) so the service's time never goes backwards.
 */
public final class NonDet {
    public static final int TIME_BYTES = 8;

    private NonDet() {}

    public static byte[] encodeTime(long millis) {
        byte[] b = new byte[TIME_BYTES];
        for (int i = 0; i < 8; i++) b[i] = (byte) (millis >>> (56 - 8 * i));
        return b;
    }

    public static boolean isTime(byte[] b) { return b != null && b.length == TIME_BYTES; }

    public static long decodeTime(byte[] b) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (b[i] & 0xff);
        return v;
    }
}
