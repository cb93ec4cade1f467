package io.bulwark.bft.core;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.PrePrepare;

/**
 * Commits from an earlier view for one sequence number that a lagging replica has not executed and
 * that lies below the current view's log (a new view started from a checkpoint above it). 2f+1
 * matching commits of one view prove that f+1 correct replicas prepared the batch, so it committed
 * and every view change preserves it: the replica may execute it once it has the body, which it
 * checks against the digest. This lets a replica that fell a little behind across a view change
 * catch up from its peers' retained logs instead of needing state transfer (section 4.6.2).
 */
final class CatchUp {
    final long seq;
    /** The first COMMIT of each replica, as (view, digest): commits match only within one view. */
    private final Certificate<Vote> commits;
    private final int quorum;
    /** The certified digest, once 2f+1 matching commits are in. */
    Digest certified;
    PrePrepare body;

    private record Vote(long view, Digest digest) {}

    CatchUp(long seq, int n, int quorum) {
        this.seq = seq;
        this.commits = new Certificate<>(n);
        this.quorum = quorum;
    }

    /** We committed it ourselves in an earlier view. */
    void certify(Digest d, PrePrepare b) {
        if (certified == null) certified = d;
        if (b != null && d.equals(certified)) body = b;
    }

    /** Records {@code c} from replica {@code from} (the first one counts) and checks for a certificate. */
    void add(int from, Commit c) {
        if (certified != null) return;
        Vote v = new Vote(c.view(), c.digest());
        if (commits.add(from, v) && commits.complete(v, quorum)) certified = c.digest();
    }
}
