package io.bulwark.bft.core;

/**
 * Who suspects the primary of the current view, and since when ({@link io.bulwark.bft.msg.Suspect}):
 * one entry per replica (the latest counts), all forgotten when the view changes. A suspicion lasts
 * twice the current view-change timeout: a replica that still waits suspects again at each timeout,
 * while two timeouts far apart, each over by itself, do not add up to a view change.
 */
final class Suspicions {
    private long view = -1;
    private final long[] at;

    Suspicions(int n) { this.at = new long[n]; }

    /** Replica {@code j} suspects the primary of {@code v} (the current view) at {@code now}. */
    void add(long v, int j, long now) {
        if (v != view) {
            view = v;
            java.util.Arrays.fill(at, Long.MIN_VALUE);
        }
        at[j] = now;
    }

    /** Replicas whose suspicion of {@code v} is younger than {@code lifetime} at {@code now}. */
    int count(long v, long now, long lifetime) {
        if (v != view) return 0;
        int c = 0;
        for (long t : at) if (t != Long.MIN_VALUE && now - t < lifetime) c++;
        return c;
    }
}
