package io.bulwark.bft.core;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.Checkpoint;

/** The CHECKPOINT messages received for one sequence number (section 4.3), one per replica. */
final class CheckpointVotes {
    final long seq;
    /** State digests by replica; this replica's own is replaced when its state is repaired. */
    final Certificate<Digest> byReplica;
    /** This replica's own checkpoint message, once it has executed {@code seq}. */
    Checkpoint mine;

    CheckpointVotes(long seq, int n) {
        this.seq = seq;
        this.byReplica = new Certificate<>(n);
    }

    /** The digest that at least {@code quorum} replicas sent, or null. */
    Digest certified(int quorum) { return byReplica.certified(quorum); }

    /** The digest that at least {@code quorum} replicas other than {@code excluded} sent, or null. */
    Digest certified(int quorum, int excluded) { return byReplica.certified(quorum, excluded); }
}
