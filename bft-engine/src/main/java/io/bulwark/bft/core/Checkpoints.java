package io.bulwark.bft.core;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.Checkpoint;
import io.bulwark.bft.msg.ViewChange;
import io.bulwark.bft.msg.ViewChange.CheckpointRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * Checkpoints and garbage collection (section 4.3): the CHECKPOINT votes per sequence number, the
 * reports far above the log ({@link FarCheckpoints}), stability at 2f+1 matching digests, and the
 * truncation of the log, the water marks moving up with it.
 */
final class Checkpoints {
    private final Replica r;
    private final TreeMap<Long, CheckpointVotes> votes = new TreeMap<>();
    private final FarCheckpoints far;
    /** Highest sequence number for which a certified (2f+1) checkpoint exists, even if not executed here. */
    long knownStable;
    /** Sequence number of the latest checkpoint that became stable here (ls in VIEW-CHANGE). */
    long stableSeq;

    Checkpoints(Replica r) {
        this.r = r;
        this.far = new FarCheckpoints(r.n);
    }

    CheckpointVotes votes(long seq) {
        return votes.computeIfAbsent(seq, k -> new CheckpointVotes(k, r.n));
    }

    CheckpointVotes get(long seq) { return votes.get(seq); }

    /** Newest first (a corrupt replica looks for the latest checkpoint it can roll back to). */
    Collection<CheckpointVotes> descending() { return votes.descendingMap().values(); }

    void clear() { votes.clear(); }

    /** Section 4.1: others' votes for checkpoints not stable yet go after a key refresh (they come again). */
    void keysRefreshed() {
        for (CheckpointVotes v : votes.tailMap(stableSeq, false).values()) v.byReplica.retainOnly(r.id);
    }

    /** This replica's checkpoint digest for {@code seq}, if it still holds it. */
    Digest digest(long seq) {
        CheckpointVotes v = votes.get(seq);
        return v == null || v.mine == null ? null : v.mine.state();
    }

    /** Records our own checkpoint {@code seq} with digest {@code d}, without sending it. */
    CheckpointVotes own(long seq, Digest d) {
        CheckpointVotes v = votes(seq);
        v.mine = new Checkpoint(seq, d, r.id);
        v.byReplica.put(r.id, d);
        return v;
    }

    /** Later checkpoints we took from a corrupt state are void (a transfer reached {@code seq}). */
    void voidAbove(long seq) {
        votes.tailMap(seq, false).values().forEach(x -> { x.mine = null; x.byReplica.clear(r.id); });
    }

    /** The checkpoints we hold, for a VIEW-CHANGE's C. */
    List<CheckpointRef> held() {
        List<CheckpointRef> held = new ArrayList<>();
        for (CheckpointVotes v : votes.values()) if (v.mine != null) held.add(new ViewChange.CheckpointRef(v.seq, v.mine.state()));
        return held;
    }

    /** Our own checkpoints above {@code seq}: a replica whose stable checkpoint is {@code seq} may lack them. */
    List<Checkpoint> mineAbove(long seq) {
        List<Checkpoint> mine = new ArrayList<>();
        for (CheckpointVotes v : votes.tailMap(seq, false).values()) if (v.mine != null) mine.add(v.mine);
        return mine;
    }

    /** Executed up to a checkpoint: take it, and multicast it. */
    void take(long seq, Digest d) {
        CheckpointVotes v = own(seq, d);
        r.out.add(new Action.Multicast(v.mine));
        checkStable(v);
    }

    void onCheckpoint(int from, Checkpoint c) {
        if (!r.fromReplica(from, c.replica())) return;
        // Old news — except, to a corrupt replica, the one it is at: votes for it let it repair (see Retransmission.status).
        if (c.seq() < stableSeq || (c.seq() == stableSeq && !r.catchUp.corrupt)) return;
        if (c.seq() % r.cfg.checkpointInterval() != 0) { r.counters.ignore(Ignored.CHECKPOINT_TOO_FAR); return; }
        if (c.seq() > Math.max(r.h, stableSeq) + 2L * r.cfg.logSize()) {
            // Far beyond our log (we were cut off): no votes kept, but a bounded record of the latest
            // ones, so f+1 matching reports give a checkpoint to fetch.
            far.record(from, c.seq(), c.state());
            CheckpointRef best = far.best(r.lastExecuted, r.cfg.weakQuorum());
            if (best != null) r.catchUp.offerTarget(best.seq(), best.digest());
            return;
        }
        CheckpointVotes v = votes(c.seq());
        v.byReplica.add(from, c.state());
        checkStable(v);
    }

    private void checkStable(CheckpointVotes v) {
        if (r.catchUp.corrupt) {
            // A later checkpoint to roll back to (the one we aimed at may be gone: the others
            // garbage-collect it once a later one is stable — sim seed 2293, f=2).
            r.catchUp.rollbackTarget();
            r.catchUp.maybeTransfer();
        }
        if (v.mine == null && v.seq > r.lastExecuted) {
            // f+1 matching digests: at least one correct replica has this state, so it may be fetched.
            Digest known = v.certified(r.cfg.weakQuorum());
            if (known != null) r.catchUp.offerTarget(v.seq, known);
        }
        Digest certified = v.certified(r.cfg.quorum());
        if (certified == null) return;
        knownStable = Math.max(knownStable, v.seq);
        if (v.mine == null) return;   // not executed here yet: behind (see CatchingUp.maybeTransfer)
        if (!v.mine.state().equals(certified)) {
            // Our state diverged from 2f+1 others (memory corruption, a bug): stop executing, and
            // fetch a correct state; the digests find the pages that differ (section 4.6.2).
            r.counters.ignore(Ignored.CHECKPOINT_MISMATCH);
            r.catchUp.markCorrupt();
            return;
        }
        makeStable(v.seq);
    }

    /**
     * Section 4.3, with one deviation: log entries are kept for one more checkpoint interval
     * (down to the previous stable checkpoint), so a replica that missed a few messages just before
     * a checkpoint became stable at the others can still get them by retransmission instead of
     * needing state transfer. The primary, which never runs more than maxInFlightBatches ahead of
     * its own execution, can therefore always catch up. Memory stays bounded by 2L entries.
     */
    void makeStable(long seq) {
        if (seq <= stableSeq) return;
        stableSeq = seq;
        votes.headMap(seq, false).clear();
        far.truncate(seq);
        // Section 4.4: a recovery (ours or another replica's) ends when its recovery point is stable.
        r.estimation.checkRecovered();
        r.recovery.check();
        // The logical copies of earlier checkpoints go (section 4.6.2); mid-transfer there are none.
        if (!r.catchUp.transferring()) r.tree.discardBefore(seq);
        if (seq <= r.h) return;
        long previous = r.h;
        r.h = seq;
        r.agreement.truncate(previous);
        r.catchUp.truncate();
        r.views.truncate(r.h);
        r.agreement.bodies.truncate(r.h);
        r.requests.sendBatches();
    }

    /**
     * A new view starts from checkpoint {@code start} with digest {@code d}, known correct (f+1 hold
     * it): if ours matches, it is our stable one now.
     */
    void adoptViewStart(long start, Digest d) {
        CheckpointVotes cp = votes.get(start);
        if (start > stableSeq && cp != null && cp.mine != null && cp.mine.state().equals(d)) {
            stableSeq = start;
            votes.headMap(start, false).clear();
        }
    }
}
