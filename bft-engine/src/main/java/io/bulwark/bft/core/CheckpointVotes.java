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

    int matching(Digest d) {
        int c = 0;
        for (Digest x : byReplica) if (d.equals(x)) c++;
        return c;
    }

    /** The digest that at least {@code quorum} replicas sent, or null. */
    Digest certified(int quorum) {
        for (Digest d : byReplica) if (d != null && matching(d) >= quorum) return d;
        return null;
    }
}
