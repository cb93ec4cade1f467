package io.bulwark.bft.wire;

import io.bulwark.bft.msg.RejectReason;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts of rejected frames per {@link RejectReason}, and of accepted frames. A plain array
 * indexed by ordinal: updated on the owning thread (the event loop or the simulator) without
 * allocation; {@link #snapshot()} copies for metrics (from another thread it may lag slightly).
 */
public final class RejectCounters {
    private static final RejectReason[] REASONS = RejectReason.values();
    private final long[] counts = new long[REASONS.length];
    private long accepted;

    public void reject(RejectReason reason) { counts[reason.ordinal()]++; }

    public void accept() { accepted++; }

    public long get(RejectReason reason) { return counts[reason.ordinal()]; }

    public long accepted() { return accepted; }

    public long totalRejected() {
        long t = 0;
        for (long c : counts) t += c;
        return t;
    }

    /** Non-zero rejection counts by reason name, in enum order (stable for JSON). */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < counts.length; i++) {
            long c = counts[i];
            if (c != 0) m.put(REASONS[i].name(), c);
        }
        return m;
    }

    @Override public String toString() { return "accepted=" + accepted + " rejected=" + snapshot(); }
}
