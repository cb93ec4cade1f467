package io.bulwark.bft.core;

import io.bulwark.bft.msg.Checkpoint;
import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.NewView;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.QueryStable;
import io.bulwark.bft.msg.ReplyStable;
import io.bulwark.bft.msg.ViewChange;
import java.util.Arrays;

/**
 * Estimation (section 4.4, "Run estimation protocol"): a replica that cannot trust its log — it
 * restarted without its journal (an empty or replaced disk), or it starts a recovery — estimates an
 * upper bound H_M on the high water mark it would have if it were not faulty, discards log entries
 * above it, and sends no message for a sequence number above H_M (nor any vote at all before H_M is
 * known) until it holds a stable checkpoint at or beyond H_M. A replica that forgot what it said
 * cannot contradict itself above H_M, and below it every number it might have voted on is already
 * decided (stable), so it no longer counts against f (section 4.3's bound on what a replica may
 * have in its log).
 * <p>
 * QUERY-STABLE goes to every replica, again every status period until H_M is known; each answers
 * REPLY-STABLE with its last checkpoint c and last prepared p. We keep the minimum c and the
 * maximum p per replica (our own included) and take c_M, a value of c from some replica j such that
 * 2f replicas other than j reported c ≤ c_M and f replicas other than j reported p ≥ c_M; then
 * H_M = c_M + L. Every such c_M is at least any stable checkpoint (f+1 correct replicas created it
 * and report c at or above it); among those we take the largest, so that a faulty replica's low c
 * cannot prolong the recovery, and the test against p keeps it near a correct replica's log.
 */
final class Estimation {
    /** No restriction: the replica trusts its log. */
    static final long TRUSTED = Long.MAX_VALUE;

    private final Replica r;
    private final long[] minC, maxP;
    private final boolean[] answered;
    private long nonce;
    private boolean running;
    /** H_M once known; {@link #TRUSTED} when not recovering; meaningless while {@link #running}. */
    private long hm = TRUSTED;
    long estimations, completed, recovered, withheld;

    Estimation(Replica r) {
        this.r = r;
        this.minC = new long[r.n];
        this.maxP = new long[r.n];
        this.answered = new boolean[r.n];
    }

    /** Starts estimating with a fresh random {@code nonce} (from the driver: the core has no randomness). */
    void start(long nonce) {
        this.nonce = nonce;
        running = true;
        estimations++;
        Arrays.fill(answered, false);
        Arrays.fill(minC, Long.MAX_VALUE);
        Arrays.fill(maxP, Long.MIN_VALUE);
        note(r.id, lastCheckpoint(), r.agreement.maxPrepared);
        r.notice(new Notice.EstimationStarted(lastCheckpoint(), r.agreement.maxPrepared));
        query();
    }

    boolean running() { return running; }

    /** The bound on what may be sent: H_M, or -1 while it is not known yet, or TRUSTED. */
    long limit() { return running ? -1 : hm; }

    /** Every status period while estimating: ask again (the replies may have been lost). */
    void onStatusTimer() {
        if (running) query();
        else checkRecovered();
    }

    private void query() { r.out.add(new Action.Multicast(new QueryStable(r.id, nonce))); }

    private long lastCheckpoint() {
        long c = r.checkpoints.stableSeq;
        for (var cp : r.checkpoints.mineAbove(c)) c = Math.max(c, cp.seq());
        return c;
    }

    /** Another replica's query: answer it with our last checkpoint and last prepared number. */
    void onQuery(int from, QueryStable q) {
        if (!r.fromReplica(from, q.replica())) return;
        r.out.add(new Action.Send(from, new ReplyStable(r.id, from, q.nonce(), lastCheckpoint(), r.agreement.maxPrepared)));
    }

    void onReply(int from, ReplyStable a) {
        if (!r.fromReplica(from, a.replica())) return;
        if (!running || a.recovering() != r.id || a.nonce() != nonce) { r.counters.ignore(Ignored.UNEXPECTED_MESSAGE); return; }
        note(from, a.checkpoint(), a.prepared());
        decide();
    }

    private void note(int j, long c, long p) {
        answered[j] = true;
        minC[j] = Math.min(minC[j], c);
        maxP[j] = Math.max(maxP[j], p);
    }

    private void decide() {
        int f = r.cfg.f();
        long best = -1;
        for (int j = 0; j < r.n; j++) {
            if (!answered[j]) continue;
            long c = minC[j];
            int lower = 0, ahead = 0;
            for (int k = 0; k < r.n; k++) {
                if (k == j || !answered[k]) continue;
                if (minC[k] <= c) lower++;
                if (maxP[k] >= c) ahead++;
            }
            if (lower >= 2 * f && ahead >= f) best = Math.max(best, c);
        }
        if (best < 0) return;
        running = false;
        completed++;
        hm = best + r.cfg.logSize();
        int answers = 0;
        for (boolean a : answered) if (a) answers++;
        r.notice(new Notice.Estimated(best, hm, answers));
        r.agreement.discardAbove(hm);
        r.views.discardAbove(hm);
        checkRecovered();
    }

    /** Recovered: a stable checkpoint at or beyond H_M (section 4.4). */
    void checkRecovered() {
        if (running || hm == TRUSTED || r.checkpoints.stableSeq < hm) return;
        r.notice(new Notice.Recovered(hm, r.checkpoints.stableSeq));
        hm = TRUSTED;
        recovered++;
    }

    /**
     * Whether {@code m} must not leave now: while estimating, every vote and view-change message;
     * afterwards, those for a sequence number above H_M.
     */
    boolean withholds(Message m) {
        if (!running && hm == TRUSTED) return false;
        long limit = limit();
        long seq;
        if (m instanceof PrePrepare pp) seq = pp.seq();
        else if (m instanceof Prepare p) seq = p.seq();
        else if (m instanceof Commit c) seq = c.seq();
        else if (m instanceof Checkpoint c) seq = c.seq();
        else if (m instanceof ViewChange || m instanceof NewView) return running;
        else return false;
        return seq > limit;
    }
}
