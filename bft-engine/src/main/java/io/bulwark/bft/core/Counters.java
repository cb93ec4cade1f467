package io.bulwark.bft.core;

import java.util.EnumMap;
import java.util.Map;

/** Per-reason counts of ignored inputs, for metrics and tests. */
public final class Counters {
    private final long[] ignored = new long[Ignored.values().length];

    void ignore(Ignored reason) { ignored[reason.ordinal()]++; }

    public long ignored(Ignored reason) { return ignored[reason.ordinal()]; }

    public long totalIgnored() {
        long t = 0;
        for (long c : ignored) t += c;
        return t;
    }

    public Map<Ignored, Long> snapshot() {
        Map<Ignored, Long> m = new EnumMap<>(Ignored.class);
        for (Ignored r : Ignored.values()) if (ignored[r.ordinal()] > 0) m.put(r, ignored[r.ordinal()]);
        return m;
    }
}
