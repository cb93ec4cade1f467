package io.bulwark.bft.core;

import io.bulwark.bft.msg.Checkpoint;
import io.bulwark.bft.msg.NewView;
import io.bulwark.bft.msg.Status;
import io.bulwark.bft.msg.ViewChange;
import io.bulwark.bft.msg.ViewChangeAck;

/**
 * Retransmission (section 4.6.1): STATUS every status period and as a negative acknowledgement,
 * and resending to a peer what its STATUS shows it lacks — checkpoints, commits of batches it has
 * not executed, the messages of the current view or of the view change under way.
 */
final class Retransmission {
    private final Replica r;
    private long lastStatusSent = Long.MIN_VALUE / 2;
    /** Per replica, the highest last-executed sequence number its STATUS reported (a faulty one may lie: count f+1). */
    private final long[] reportedExecuted;
    /** Per replica, when its last STATUS arrived (Long.MIN_VALUE: never). */
    private final long[] statusAt;

    Retransmission(Replica r) {
        this.r = r;
        this.reportedExecuted = new long[r.n];
        this.statusAt = new long[r.n];
        java.util.Arrays.fill(statusAt, Long.MIN_VALUE);
    }

    /** How many replicas other than this one sent a STATUS at or after {@code t}. */
    int heardSince(long t) {
        int c = 0;
        for (int j = 0; j < r.n; j++) if (j != r.id && statusAt[j] >= t) c++;
        return c;
    }

    /**
     * How many replicas other than this one reported (STATUS) having executed {@code seq}: f+1 of
     * them include a correct one, so the batch at {@code seq} committed and the group got past it.
     */
    int executedElsewhere(long seq) {
        int c = 0;
        for (int j = 0; j < r.n; j++) if (j != r.id && reportedExecuted[j] >= seq) c++;
        return c;
    }

    /** The STATUS timer: our status, the bodies still wanted, and the next period. */
    void onStatusTimer() {
        lastStatusSent = r.now;
        r.agreement.bodies.onStatusPeriod();
        r.out.add(new Action.Multicast(status()));
        r.agreement.bodies.askAgain();
        r.out.add(new Action.SetTimer(TimerKind.STATUS, r.now + r.cfg.statusIntervalMs()));
    }

    Status status() {
        int bits = (int) Math.min(r.cfg.logSize(), Math.max(0, r.h + r.cfg.logSize() - r.lastExecuted));
        long[] prepared = new long[(bits + 63) / 64];
        long[] committed = new long[(bits + 63) / 64];
        for (Slot s : r.agreement.log().tailMap(r.lastExecuted, false).values()) {
            long i = s.seq - r.lastExecuted - 1;
            if (i >= bits) break;
            if (s.prepared) prepared[(int) (i >>> 6)] |= 1L << (i & 63);
            if (s.committed) committed[(int) (i >>> 6)] |= 1L << (i & 63);
        }
        ViewChangeRound round = r.views.round;
        long vcs = r.viewActive || round == null ? 0 : round.receivedBits();
        // A corrupt replica repairs from a checkpoint f+1 others vouch for (CatchingUp.rollbackTarget); one
        // restarted on a damaged saved state lost their votes for the stable checkpoint it is at, and in an
        // idle group no later one comes. Reporting one below makes the peers resend theirs (issue 12 item 6:
        // the simulator's compromised replica, rebooted on a damaged disk after the clients finished).
        long stable = r.catchUp.corrupt && r.checkpoints.stableSeq > 0 ? r.checkpoints.stableSeq - 1 : r.checkpoints.stableSeq;
        return new Status(r.view, r.id, r.viewActive, stable, r.lastExecuted, vcs, prepared, committed);
    }

    /**
     * Section 4.6.1: STATUS also works as a negative acknowledgement — a replica that sees traffic
     * beyond what it could have (a later view, sequence numbers past a gap) sends one at once rather
     * than at the next period, so that it does not fall out of its peers' retained logs. At most
     * four per status period.
     */
    void missingSomething() {
        long gap = Math.max(1, r.cfg.statusIntervalMs() / 4);
        if (r.now - lastStatusSent < gap) return;
        lastStatusSent = r.now;
        r.out.add(new Action.Multicast(status()));
    }

    /** Resend to {@code from} what its status shows it lacks. */
    void onStatus(int from, Status st) {
        if (!r.fromReplica(from, st.replica())) return;
        reportedExecuted[from] = Math.max(reportedExecuted[from], st.lastExecuted());
        statusAt[from] = r.now;
        for (Checkpoint c : r.checkpoints.mineAbove(st.stableSeq())) r.out.add(new Action.Send(from, c));
        // It has not executed batches we executed (below our log, or in an earlier view): our commits
        // for them let it catch up (CatchUp), whatever view each of us is in.
        var log = r.agreement.log();
        long below = Math.min(r.lastExecuted, log.isEmpty() || st.view() != r.view ? r.lastExecuted : log.firstKey() - 1);
        if (st.lastExecuted() < below) {
            for (Executed e : r.agreement.executedLog.subMap(st.lastExecuted(), false, below, true).values())
                r.out.add(new Action.Send(from, e.commit()));
        }
        ViewChange mine = r.views.mine;
        if (st.view() < r.view) {
            // It is behind: our view-change helps it join (f+1 of them make it move).
            if (mine != null && mine.view() == r.view) r.out.add(new Action.Send(from, mine));
            return;
        }
        if (st.view() > r.view) return;
        if (!st.viewActive()) { resendViewChange(from, st); return; }
        if (!r.viewActive) return;
        // Bounds from a peer are untrusted: clamp to our own window (and avoid overflow).
        long lo = Math.max(st.lastExecuted(), r.agreement.retainedFrom());
        long hi = r.h + r.cfg.logSize();
        if (st.lastExecuted() >= 0 && st.lastExecuted() < hi - r.cfg.logSize()) hi = st.lastExecuted() + r.cfg.logSize();
        if (lo >= hi) return;
        for (Slot s : log.subMap(lo, false, hi, true).values()) {
            if (!st.isPrepared(s.seq)) {
                if (r.isPrimary() && s.prePrepare != null && !NewView.NULL_REQUEST.equals(s.digest)) r.out.add(new Action.Send(from, s.prePrepare));
                if (s.myPrepare != null) r.out.add(new Action.Send(from, s.myPrepare));
            }
            if (!st.isCommitted(s.seq) && s.myCommit != null) r.out.add(new Action.Send(from, s.myCommit));
        }
    }

    /** {@code from} is changing to our view and lacks parts of it (section 4.6.1). */
    private void resendViewChange(int from, Status st) {
        ViewChangeRound round = r.views.round;
        ViewChange mine = r.views.mine;
        if (round == null || round.view != r.view) return;
        if (mine != null && mine.view() == r.view && !st.hasViewChange(r.id)) r.out.add(new Action.Send(from, mine));
        if (r.isPrimary()) {
            if (round.newView != null) {
                r.out.add(new Action.Send(from, round.newView));
                // Forward the view-changes it names that `from` lacks; f acks let it accept them. Its
                // own too: a replica restarted since it sent it has only a new one, and cannot check
                // the decision without the one named (the simulator's RESTART, seed 31 f=1: the
                // restarted replica waited for its own lost VIEW-CHANGE, timed out into the next view
                // and stayed there alone — issue 15 item 3).
                for (NewView.ViewChangeRef ref : round.newView.viewChanges()) {
                    ViewChange vc = round.received(ref.replica());
                    if (vc == null || ref.replica() == r.id) continue;
                    if (ref.replica() == from || !st.hasViewChange(ref.replica())) r.out.add(new Action.Send(from, vc));
                }
            }
            return;
        }
        // A backup vouches for the view-changes it received: to the primary (for S) and to a backup
        // that has only a forwarded copy.
        for (int j = 0; j < r.n; j++) {
            ViewChange vc = round.received(j);
            if (vc == null || j == r.id) continue;
            // Its own view-change too (see above): a restarted replica accepts the copy the primary
            // forwards of the one it sent before, once f of us vouch for it.
            if (from == r.primary() ? j != from : j == from || !st.hasViewChange(j))
                r.out.add(new Action.Send(from, new ViewChangeAck(r.view, r.id, j, round.receivedDigest(j))));
        }
    }
}
