package io.bulwark.bft.core;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.Data;
import io.bulwark.bft.msg.Fetch;
import io.bulwark.bft.msg.MetaData;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.ViewChange.CheckpointRef;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * A replica that fell behind or whose state is bad gets back (section 4.6.2): commits of earlier
 * views for numbers below the log ({@link CatchUp}), the checkpoint to reach (the target), state
 * transfer ({@link StateTransfer}) and serving it to others, repair of a corrupt state, and knowing
 * when this replica is behind — then its request timers say nothing about the primary.
 */
final class CatchingUp {
    private final Replica r;
    /** Commit certificates from earlier views for sequence numbers below the log that we have not executed. */
    private final TreeMap<Long, CatchUp> commits = new TreeMap<>();
    /** The fetch in progress, or null. While it runs nothing executes. */
    private StateTransfer transfer;
    /** The latest checkpoint above our execution whose digest f+1 replicas vouch for (or a new view started from). */
    private CheckpointRef target;
    /** Since when a target above our execution has been known (reset when execution reaches it). */
    private long behindSince = -1;
    long lastProgressAt;
    long transfersCompleted;
    long pagesTransferred;
    /** Our state is known bad (a page failed its check, or 2f+1 others certified another digest): nothing executes until a transfer repairs it. */
    boolean corrupt;
    /**
     * Per replica, the view and the highest sequence number it prepared or committed in that view
     * above our window: f+1 of them in our view show that the group orders requests past our high
     * water mark, so we are behind (see {@link #behind()}).
     */
    private final long[] aheadView;
    private final long[] aheadSeq;

    CatchingUp(Replica r) {
        this.r = r;
        this.aheadView = new long[r.n];
        this.aheadSeq = new long[r.n];
        Arrays.fill(aheadView, -1);
    }

    boolean transferring() { return transfer != null; }

    /** A saved state failed its check: it is repaired by transfer before anything executes. */
    void restoreDamaged() {
        corrupt = true;
        r.counters.ignore(Ignored.STATE_CORRUPT);
    }

    /**
     * Whether this replica cannot judge the primary by its own requests: it is fetching or repairing
     * its state, or f+1 replicas (one of them correct) vouch for a checkpoint above its execution.
     * Then the pre-prepares of the requests it holds may lie beyond its high water mark and their
     * execution waits on its catching up, not on the primary, so its ordering and request timers
     * would make it leave the view alone. It is not behind for long: a transfer reaches the latest
     * vouched checkpoint, and a group whose primary stops ordering produces no new checkpoints, so
     * then its timers run again (on fresh deadlines). Meanwhile it still follows the others into a
     * new view by the f+1 rule, and a NEW-VIEW timer (a view change under way) is never held.
     */
    boolean behind() {
        return transfer != null || corrupt || (target != null && target.seq() > r.lastExecuted) || groupBeyondWindow();
    }

    /** An authenticated PREPARE or COMMIT of replica {@code from} in view {@code v} for {@code seq}. */
    void noteAhead(int from, long v, long seq) {
        if (v != r.view || seq <= r.h + r.cfg.logSize()) return;
        if (aheadView[from] != v || aheadSeq[from] < seq) {
            aheadView[from] = v;
            aheadSeq[from] = seq;
        }
    }

    /**
     * f+1 other replicas (one of them correct) prepared or committed in our view a sequence number
     * above our high water mark: the primary is ordering, we are the one behind. Between the
     * checkpoints that {@code target} reports, this is what tells a slow replica that the requests it
     * holds are ordered beyond its window (a replica starved of CPU fell up to L behind on a loaded
     * machine and left the view alone). f faulty replicas cannot fake it.
     */
    private boolean groupBeyondWindow() {
        int ahead = 0;
        for (int j = 0; j < aheadView.length; j++)
            if (j != r.id && aheadView[j] == r.view && aheadSeq[j] > r.h + r.cfg.logSize()) ahead++;
        return ahead >= r.cfg.weakQuorum();
    }

    // ---- commits from earlier views ----

    /** A COMMIT of an earlier view for a number below our log that we have not executed. */
    boolean isCatchUpCommit(Commit c) { return c.seq() > r.lastExecuted && c.seq() <= r.h && c.view() < r.view; }

    void onCatchUpCommit(int from, Commit c) {
        if (c.seq() > r.lastExecuted + r.cfg.logSize()) { r.counters.ignore(Ignored.OUTSIDE_WATER_MARKS); return; }
        CatchUp u = commits.computeIfAbsent(c.seq(), k -> new CatchUp(k, r.n, r.cfg.quorum()));
        u.add(from, c);
        if (u.certified != null) r.agreement.executeCommitted();
    }

    /** Leaving a view, our own commit in slot {@code s} (not executed) counts towards catching up. */
    void keepOwnCommit(Slot s) {
        CatchUp u = commits.computeIfAbsent(s.seq, k -> new CatchUp(k, r.n, r.cfg.quorum()));
        if (s.committed) u.certify(s.digest, s.prePrepare);
        else u.add(r.id, s.myCommit);
        if (s.prePrepare != null && s.digest.equals(u.certified)) u.body = s.prePrepare;
    }

    /** The certified body for {@code seq} below the log, ready to execute (and forgotten here), or null. */
    PrePrepare certifiedBody(long seq) {
        CatchUp c = seq <= r.h ? commits.get(seq) : null;
        if (c == null || c.certified == null) return null;
        if (c.body == null) c.body = r.agreement.bodies.get(c.certified);
        if (c.body == null) { r.agreement.bodies.want(seq, c.certified); return null; }
        commits.remove(seq);
        return c.body;
    }

    /** A body fetched by digest for {@code seq}. */
    void offerBody(long seq, PrePrepare pp) {
        CatchUp c = commits.get(seq);
        if (c != null && pp.digest().equals(c.certified)) c.body = pp;
    }

    /** Garbage collection: what we executed needs no catching up. */
    void truncate() { commits.headMap(r.lastExecuted, true).clear(); }

    // ---- corrupt state, targets, transfer ----

    void markCorrupt() {
        if (corrupt) return;
        corrupt = true;
        r.counters.ignore(Ignored.STATE_CORRUPT);
        r.notice(new Notice.StateCorrupt("a page failed its digest, an execution failed, or the state disagreed with 2f+1 others"));
        rollbackTarget();
        maybeTransfer();
    }

    /**
     * A corrupt replica repairs itself from the latest checkpoint at or below its execution that f+1
     * other replicas vouch for, and then runs again the batches it executed after it (it holds their
     * bodies and its own commit certificates). Without such a checkpoint it waits for the next one.
     * Called again as checkpoints arrive: a later one replaces the target, never an earlier one.
     */
    void rollbackTarget() {
        for (CheckpointVotes v : r.checkpoints.descending()) {
            if (v.seq > r.lastExecuted) continue;
            Digest d = v.certified(r.cfg.weakQuorum(), r.id);   // never trust our own digest here
            if (d == null) continue;
            for (long s = v.seq + 1; s <= r.lastExecuted; s++) if (!r.agreement.executedLog.containsKey(s)) return;
            if (target != null && target.seq() >= v.seq) return;   // already aiming there or later
            target = new CheckpointRef(v.seq, d);
            if (behindSince < 0) behindSince = r.now;
            return;
        }
    }

    /** A checkpoint above our execution whose digest is known correct: the transfer's target if we need one. */
    void offerTarget(long seq, Digest digest) {
        if (seq <= r.lastExecuted || (target != null && seq <= target.seq())) return;
        target = new CheckpointRef(seq, digest);
        if (behindSince < 0) behindSince = r.now;
        maybeTransfer();
    }

    /** Execution reached the target (so it may be dropped). */
    boolean caughtUpToTarget() { return target != null && target.seq() <= r.lastExecuted; }

    /** The STATUS period: the transfer retransmits, and a stalled catch-up may turn into one. */
    void onStatusTimer() {
        if (transfer != null) transfer.tick(r.out.list());
        maybeTransfer();
    }

    /**
     * Starts (or re-aims) a transfer when a known checkpoint is beyond what we can reach by executing:
     * more than L ahead (the others garbage-collected the log in between), or ahead while we have made
     * no progress for a while (catching up from retained messages did not work).
     */
    void maybeTransfer() {
        if (target == null || (!corrupt && target.seq() <= r.lastExecuted)) {
            target = null;
            behindSince = -1;
            return;
        }
        if (transfer != null) {
            if (target.seq() > transfer.target()) transfer.retarget(target.seq(), target.digest(), r.out.list());
            return;
        }
        if (r.agreement.executing != -1) return;
        boolean farAhead = target.seq() > r.lastExecuted + r.cfg.logSize();
        boolean stalled = r.now - Math.max(lastProgressAt, behindSince) >= stallTimeout();
        if (!farAhead && !stalled && !corrupt) return;
        transfer = new StateTransfer(r.tree, r.id, r.n);
        r.notice(new Notice.TransferStarted(target.seq(), r.lastExecuted, corrupt));
        transfer.retarget(target.seq(), target.digest(), r.out.list());
        finishTransferIfDone();
    }

    /** How long a replica behind a known checkpoint tries to catch up by retransmission before fetching state. */
    private long stallTimeout() { return 4 * r.cfg.statusIntervalMs(); }

    void onMetaData(int from, MetaData md) {
        if (!r.fromReplica(from, md.replica())) return;
        if (transfer == null) { r.counters.ignore(Ignored.UNEXPECTED_MESSAGE); return; }
        transfer.onMetaData(from, md, r.out.list());
        finishTransferIfDone();
    }

    void onData(int from, Data d) {
        if (from < 0 || from >= r.n || from == r.id) { r.counters.ignore(Ignored.NOT_A_REPLICA); return; }
        if (transfer == null) { r.counters.ignore(Ignored.UNEXPECTED_MESSAGE); return; }
        transfer.onData(d, r.out.list());
        finishTransferIfDone();
    }

    /** The tree has the target's digest: we are at that checkpoint, as if we had executed up to it. */
    private void finishTransferIfDone() {
        if (transfer == null || !transfer.done()) return;
        long c = transfer.target();
        Digest d = transfer.targetDigest();
        if (!r.tree.completeTransfer(c, d)) {
            // Every piece checked out, so this is not a faulty replier: walk the tree again.
            r.counters.ignore(Ignored.TRANSFER_INCONSISTENT);
            transfer.retarget(c, d, r.out.list());
            return;
        }
        pagesTransferred += transfer.pagesFetched;
        transfer = null;
        corrupt = false;
        transfersCompleted++;
        Agreement ag = r.agreement;
        ag.agreedTime = r.clients.read(r.state.engine());
        r.lastExecuted = c;
        ag.maxCommitted = Math.max(ag.maxCommitted, c);
        lastProgressAt = r.now;
        ag.nextSeq = Math.max(ag.nextSeq, c + 1);
        commits.headMap(c, true).clear();
        r.requests.dropAnswered();
        r.checkpoints.own(c, d);
        // Later checkpoints we took from a corrupt state are void.
        r.checkpoints.voidAbove(c);
        r.out.add(new ReplicaAction.StateReplaced(c));
        // f+1 replicas vouch for c, so it is a correct state: it is our stable checkpoint, and our
        // log moves up to it (nothing at or below it can matter to us any more).
        r.checkpoints.makeStable(c);
        maybeTransfer();
        r.afterProgress();
    }

    /** The designated replier's side: the partition of a checkpoint we retain (section 4.6.2). */
    void onFetch(int from, Fetch fe) {
        if (!r.fromReplica(from, fe.replica())) return;
        var tree = r.tree;
        if (transfer != null || !tree.holds(fe.checkpoint())) { r.counters.ignore(Ignored.CHECKPOINT_NOT_HELD); return; }
        if (fe.level() > tree.leafLevel() || fe.index() >= tree.partitionsAt(fe.level())) { r.counters.ignore(Ignored.BAD_FETCH); return; }
        if (fe.level() == tree.leafLevel()) r.out.add(new Action.Send(from, new Data(fe.index(),
                tree.partition(fe.checkpoint(), fe.level(), fe.index()).lm(), tree.pageAt(fe.checkpoint(), fe.index()))));
        else r.out.add(new Action.Send(from, new MetaData(fe.checkpoint(), fe.level(), fe.index(), r.id,
                tree.children(fe.checkpoint(), fe.level(), fe.index()))));
    }
}
