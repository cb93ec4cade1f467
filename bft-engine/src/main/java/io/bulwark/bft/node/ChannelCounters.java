package io.bulwark.bft.node;

import java.util.EnumMap;
import java.util.Map;

/** Counts of {@link ChannelGuard} rejections by reason, and of connections bound. One thread (the owner's loop). */
public final class ChannelCounters {
    private final long[] counts = new long[ChannelReject.values().length];
    private long bound;

    void reject(ChannelReject reason) { counts[reason.ordinal()]++; }

    void bound() { bound++; }

    public long get(ChannelReject reason) { return counts[reason.ordinal()]; }

    /** Connections bound to a principal by a valid proof (accepted ones) or by sending ours (dialed ones). */
    public long bindings() { return bound; }

    public Map<ChannelReject, Long> snapshot() {
        Map<ChannelReject, Long> m = new EnumMap<>(ChannelReject.class);
        for (ChannelReject r : ChannelReject.values()) if (counts[r.ordinal()] > 0) m.put(r, counts[r.ordinal()]);
        return m;
    }

    @Override public String toString() { return "bound=" + bound + " rejected=" + snapshot(); }
}
