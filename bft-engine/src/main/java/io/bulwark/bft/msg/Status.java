package io.bulwark.bft.msg;

/**
 * STATUS (section 4.6.1): what {@code replica} has, so that peers resend what it lacks.
 * Bit i of {@code prepared} / {@code committed} is set when sequence number
 * {@code lastExecuted + 1 + i} is prepared / committed at the sender (at most L bits).
 */
public record Status(long view, int replica, long stableSeq, long lastExecuted, long[] prepared, long[] committed)
        implements Message {

    public boolean isPrepared(long seq) { return bit(prepared, seq); }

    public boolean isCommitted(long seq) { return bit(committed, seq); }

    private boolean bit(long[] bits, long seq) {
        long i = seq - lastExecuted - 1;
        if (i < 0) return true;
        if (i >= 64L * bits.length) return false;
        return (bits[(int) (i >>> 6)] & (1L << (i & 63))) != 0;
    }
}
