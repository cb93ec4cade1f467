package io.bulwark.bft.core;

/**
 * Who suspects the primary of the current view, and since when ({@link io.bulwark.bft.msg.Suspect}):
 * one entry per replica (the latest counts), all forgotten when the view changes. A suspicion lasts
 * twice the current view-change timeout: a replica that still waits suspects again at each timeout,
 * while two timeouts far apart, each over by itself, do not add up to a view change. It also
 * remembers whether this replica suspected the view at all (see {@link ViewChanges#repeatSuspicion}).
 */
final class Suspicions {
    private long view = -1;
    private final long[] at;
    /** This replica suspected {@link #view} at some point (by its own timer, or joining f+1 others). */
    private boolean suspectedHere;

    Suspicions(int n) { this.at = new long[n]; }

    /** Replica {@code j} suspects the primary of {@code v} (the current view) at {@code now}. */
    void add(long v, int j, long now) {
        if (v != view) {
            view = v;
            suspectedHere = false;
            java.util.Arrays.fill(at, Long.MIN_VALUE);
        }
        at[j] = now;
    }

    /** This replica ({@code self}) suspects {@code v} at {@code now}. */
    void addOwn(long v, int self, long now) {
        add(v, self, now);
        suspectedHere = true;
    }

    /** Whether this replica suspected {@code v} at some point since it joined it. */
    boolean suspectedHere(long v) { return v == view && suspectedHere; }

    /** Whether replica {@code j}'s suspicion of {@code v} is younger than {@code lifetime} at {@code now}. */
    boolean fresh(long v, int j, long now, long lifetime) {
        return v == view && at[j] != Long.MIN_VALUE && now - at[j] < lifetime;
    }

    /** Replicas whose suspicion of {@code v} is younger than {@code lifetime} at {@code now}. */
    int count(long v, long now, long lifetime) {
        if (v != view) return 0;
        int c = 0;
        for (long t : at) if (t != Long.MIN_VALUE && now - t < lifetime) c++;
        return c;
    }
}
