package io.bulwark.bft.core;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.Prepare;

/**
 * What one replica knows about one sequence number in the current view (section 4.2): the
 * pre-prepare, the prepares and commits received (one per replica: the first one counts), and the
 * status reached. Memory is bounded: slots exist only between the water marks.
 */
final class Slot {
    final long seq;
    PrePrepare prePrepare;
    final Digest[] prepares;
    final Digest[] commits;
    boolean prepared;
    boolean committed;
    Prepare myPrepare;
    Commit myCommit;

    Slot(long seq, int n) {
        this.seq = seq;
        this.prepares = new Digest[n];
        this.commits = new Digest[n];
    }

    Digest digest() { return prePrepare == null ? null : prePrepare.digest(); }

    /** Prepares matching the pre-prepare, not counting the primary (which sends none). */
    int matchingPrepares(int primary) {
        Digest d = digest();
        int c = 0;
        for (int i = 0; i < prepares.length; i++) if (i != primary && d.equals(prepares[i])) c++;
        return c;
    }

    int matchingCommits() {
        Digest d = digest();
        int c = 0;
        for (Digest x : commits) if (d.equals(x)) c++;
        return c;
    }
}
