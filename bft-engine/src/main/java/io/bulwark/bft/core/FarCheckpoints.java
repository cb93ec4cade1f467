package io.bulwark.bft.core;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.ViewChange.CheckpointRef;

/**
 * CHECKPOINT messages for sequence numbers too far above our log to keep votes for (a replica cut
 * off for many checkpoints): the last few each replica sent, n × {@link #PER_REPLICA} entries at
 * most. When f+1 replicas report the same digest for the same checkpoint, at least one correct
 * replica holds that state, so it is a target for state transfer (section 4.6.2).
 */
final class FarCheckpoints {
    static final int PER_REPLICA = 4;

    private record Entry(long seq, Digest digest) {}

    private final Entry[][] recent;

    FarCheckpoints(int n) { this.recent = new Entry[n][PER_REPLICA]; }

    /** Records {@code replica}'s checkpoint, replacing its oldest entry. */
    void record(int replica, long seq, Digest digest) {
        Entry[] mine = recent[replica];
        int oldest = 0;
        for (int i = 0; i < PER_REPLICA; i++) {
            if (mine[i] != null && mine[i].seq() == seq) return;   // the first report counts
            if (mine[i] == null) { oldest = i; break; }
            if (mine[i].seq() < mine[oldest].seq()) oldest = i;
        }
        mine[oldest] = new Entry(seq, digest);
    }

    /** The highest checkpoint above {@code above} that at least {@code quorum} replicas report with the same digest, or null. */
    CheckpointRef best(long above, int quorum) {
        Entry best = null;
        for (Entry[] row : recent) {
            for (Entry e : row) {
                if (e == null || e.seq() <= above || (best != null && e.seq() <= best.seq())) continue;
                if (count(e) >= quorum) best = e;
            }
        }
        return best == null ? null : new CheckpointRef(best.seq(), best.digest());
    }

    private int count(Entry e) {
        int c = 0;
        for (Entry[] row : recent) {
            for (Entry x : row) {
                if (x != null && x.seq() == e.seq() && x.digest().equals(e.digest())) { c++; break; }
            }
        }
        return c;
    }

    /** Forget entries at or below {@code seq}. */
    void truncate(long seq) {
        for (Entry[] row : recent) for (int i = 0; i < PER_REPLICA; i++) if (row[i] != null && row[i].seq() <= seq) row[i] = null;
    }
}
