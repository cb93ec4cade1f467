package io.bulwark.bft.msg;

/**
 * STATUS (section 4.6.1): what {@code replica} has, so that peers resend what it lacks.
 * <ul>
 *   <li>{@code viewActive}: the sender has installed {@code view} (it has a valid NEW-VIEW for it,
 *       or it is view 0); otherwise it is changing to {@code view};</li>
 *   <li>{@code viewChanges}: bit j set when the sender holds replica j's VIEW-CHANGE for
 *       {@code view} (meaningful while the view is not active);</li>
 *   <li>bit i of {@code prepared} / {@code committed} is set when sequence number
 *       {@code lastExecuted + 1 + i} is prepared / committed at the sender (at most L bits).</li>
 * </ul>
 */
public record Status(long view, int replica, boolean viewActive, long stableSeq, long lastExecuted,
                     long viewChanges, long[] prepared, long[] committed) implements Message {

    public boolean isPrepared(long seq) { return bit(prepared, seq); }

    public boolean isCommitted(long seq) { return bit(committed, seq); }

    public boolean hasViewChange(int replica) { return replica >= 0 && replica < 64 && (viewChanges & (1L << replica)) != 0; }

    private boolean bit(long[] bits, long seq) {
        long i = seq - lastExecuted - 1;
        if (i < 0) return true;
        if (i >= 64L * bits.length) return false;
        return (bits[(int) (i >>> 6)] & (1L << (i & 63))) != 0;
    }
}
