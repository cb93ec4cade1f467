package io.bulwark.bft.core;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.Checkpoint;

/** The CHECKPOINT messages received for one sequence number (section 4.3), one per replica. */
final class CheckpointVotes {
    final long seq;
    final Digest[] byReplica;
    /** This replica's own checkpoint message, once it has executed {@code seq}. */
    Checkpoint mine;

    CheckpointVotes(long seq, int n) {
        this.seq = seq;
        this.byReplica = new Digest[n];
    }

    int matching(Digest d) { return matching(d, -1); }

    private int matching(Digest d, int excluded) {
        int c = 0;
        for (int j = 0; j < byReplica.length; j++) if (j != excluded && d.equals(byReplica[j])) c++;
        return c;
    }

    /** The digest that at least {@code quorum} replicas sent, or null. */
    Digest certified(int quorum) { return certified(quorum, -1); }

    /** The digest that at least {@code quorum} replicas other than {@code excluded} sent, or null. */
    Digest certified(int quorum, int excluded) {
        for (int j = 0; j < byReplica.length; j++) {
            Digest d = byReplica[j];
            if (j != excluded && d != null && matching(d, excluded) >= quorum) return d;
        }
        return null;
    }
}
