package io.bulwark.bft.sim.adversary;

import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.PrePrepareByDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Issue 17's network adversary: it makes "prepared but not committed" and "not yet seen" the usual
 * state of f+1 correct replicas when a read arrives. In epochs of random length it picks f+1 correct
 * replicas T and delays every COMMIT to them, and every PRE-PREPARE to some of them (never all: a
 * write must still commit at the other f correct replicas, with the prepares of the members of T
 * that saw it, and complete there with f+1 replies). Delays stay below the view-change timeout, so
 * this is a slow network, not a failed one (section 4.2: the replies of the f correct replicas
 * outside T and the f faulty ones complete a write; T answers reads from the state before it).
 */
public final class CommitLag implements MessageScheduler {
    private final int n;
    private final boolean[] faulty;
    private final SplittableRandom rnd;
    private final long maxDelayUs;
    private long epochEnd = -1;
    private long commitsTo, prePreparesTo;
    private long delayUs;
    /** Messages this adversary delayed. */
    public long delayed;

    public CommitLag(int n, boolean[] faulty, long viewChangeTimeoutMs, SplittableRandom rnd) {
        this.n = n;
        this.faulty = faulty.clone();
        this.rnd = rnd;
        this.maxDelayUs = Math.max(2_000, viewChangeTimeoutMs * 1000 / 4);
    }

    @Override public long delayUs(int from, int to, Message m, long nowUs) {
        if (!(m instanceof Commit) && !(m instanceof PrePrepare) && !(m instanceof PrePrepareByDigest)) return 0;
        if (to >= n || faulty[to]) return 0;
        if (nowUs >= epochEnd) newEpoch(nowUs);
        long target = m instanceof Commit ? commitsTo : prePreparesTo;
        if ((target & (1L << to)) == 0) return 0;
        delayed++;
        return delayUs / 2 + rnd.nextLong(1 + delayUs / 2);
    }

    private void newEpoch(long nowUs) {
        epochEnd = nowUs + rnd.nextLong(5_000, 150_000);
        List<Integer> correct = new ArrayList<>();
        for (int j = 0; j < n; j++) if (!faulty[j]) correct.add(j);
        int f = (n - 1) / 3;
        commitsTo = 0;
        prePreparesTo = 0;
        for (int k = 0; k < f + 1 && !correct.isEmpty(); k++) commitsTo |= 1L << correct.remove(rnd.nextInt(correct.size()));
        // Some of T do not see the write at all; at least one member of T does, so it prepares there.
        boolean spared = false;
        for (int j = 0; j < n; j++) {
            if ((commitsTo & (1L << j)) == 0) continue;
            if (!spared) { spared = true; continue; }
            if (rnd.nextBoolean()) prePreparesTo |= 1L << j;
        }
        delayUs = rnd.nextLong(500, maxDelayUs);
    }
}
