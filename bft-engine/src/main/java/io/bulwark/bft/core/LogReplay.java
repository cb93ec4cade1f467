package io.bulwark.bft.core;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.NewView;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.msg.ViewChange;
import java.util.HashMap;
import java.util.Map;

/**
 * A restart from the journal (issue 12 item 2): folds the {@link LogEntry}s a replica wrote, in
 * order, into a core that has just restored its saved checkpoint — the view it was in (or changing
 * to), its prepared sets, and the slots of its current view with the votes it cast — so that it
 * resumes where it was. Entries are this replica's own words, on its own disk, checksummed: they
 * are trusted, not re-validated as messages from others would be. Replay sends the messages that
 * installing a view sends (the same ones it sent before the crash, derived from the same entries);
 * the rest of what it said, the others get by retransmission (section 4.6.1).
 * <p>
 * Bodies of batches from earlier views are held while replaying (bounded by the journal, which
 * compaction keeps near one segment); afterwards only those the prepared sets refer to stay.
 */
final class LogReplay {
    private final Replica r;
    private final Map<Digest, PrePrepare> bodies = new HashMap<>();
    long entries;

    LogReplay(Replica r) { this.r = r; }

    void apply(LogEntry e) {
        entries++;
        if (e instanceof LogEntry.PrePrepared p) prePrepared(p.prePrepare());
        else if (e instanceof LogEntry.Prepared p) prepared(p.view(), p.seq(), p.digest());
        else if (e instanceof LogEntry.Committed c) committed(c.view(), c.seq(), c.digest());
        else if (e instanceof LogEntry.ViewChangeSent v) viewChangeSent(v.viewChange());
        else if (e instanceof LogEntry.ViewChangeNamed v) r.views.replayNamedViewChange(v.viewChange());
        else if (e instanceof LogEntry.NewViewInstalled n) newViewInstalled(n.newView());
        else if (e instanceof LogEntry.VotesReserved v) r.agreement.replayedReservation(v.view(), v.upTo());
        else if (e instanceof LogEntry.Stopped) r.agreement.replayedStop();
    }

    /** A slot of the view we are active in, inside the saved checkpoint's window or above it (promises kept). */
    private Slot currentSlot(long view, long seq) {
        if (view != r.view || !r.viewActive || seq <= r.h) return null;
        return r.agreement.slot(seq);
    }

    private void prePrepared(PrePrepare pp) {
        bodies.put(pp.digest(), pp);
        Slot s = currentSlot(pp.view(), pp.seq());
        if (s == null) return;
        if (s.digest != null && !s.digest.equals(pp.digest())) {
            // Not something this core would have written: a journal from another replica or a bug.
            throw new IllegalStateException("journal: two batches pre-prepared at " + pp.seq() + " in view " + pp.view());
        }
        s.digest = pp.digest();
        s.prePrepare = pp;
        if (s.seq > r.lastExecuted) for (Request q : pp.batch()) r.requests.ordered(q);
        if (r.isPrimary()) {
            r.agreement.replayedProposal(pp);
        } else if (s.myPrepare == null) {
            s.myPrepare = new Prepare(r.view, s.seq, s.digest, r.id);
            s.prepares.put(r.id, s.digest);
        }
    }

    private void prepared(long view, long seq, Digest d) {
        Slot s = currentSlot(view, seq);
        if (s == null) return;
        if (s.digest == null) s.digest = d;   // pre-prepared by a new view whose entry came first
        if (!s.digest.equals(d)) throw new IllegalStateException("journal: prepared " + d + " at " + seq + " but pre-prepared " + s.digest);
        s.prepared = true;
        r.agreement.maxPrepared = Math.max(r.agreement.maxPrepared, seq);
        s.myCommit = new Commit(view, seq, d, r.id);
        s.commits.put(r.id, d);
    }

    private void committed(long view, long seq, Digest d) {
        Slot s = currentSlot(view, seq);
        if (s == null || !s.prepared || !d.equals(s.digest)) return;
        s.committed = true;
        r.agreement.maxCommitted = Math.max(r.agreement.maxCommitted, seq);
    }

    private void viewChangeSent(ViewChange vc) {
        if (vc.replica() != r.id) throw new IllegalStateException("journal: a VIEW-CHANGE of replica " + vc.replica() + " in replica " + r.id + "'s journal");
        if (vc.view() < r.view || (vc.view() == r.view && r.viewActive)) return;   // superseded
        r.views.replayViewChange(vc);
    }

    private void newViewInstalled(NewView nv) {
        if (nv.view() != r.view || r.viewActive) return;
        for (Digest d : nv.selected()) {
            PrePrepare b = bodies.get(d);
            if (b != null) r.agreement.bodies.put(d, b);
        }
        r.views.replayNewView(nv);
    }

    /** After the last entry: keep the bodies the sets refer to, give committed slots their bodies, and carry on. */
    void finish() {
        for (Digest d : r.views.referencedBodies()) {
            PrePrepare b = bodies.get(d);
            if (b != null && !r.agreement.bodies.have(d)) r.agreement.bodies.put(d, b);
        }
        for (Slot s : r.agreement.log().values()) {
            if (s.prePrepare == null && s.digest != null && !NewView.NULL_REQUEST.equals(s.digest)) {
                PrePrepare b = bodies.get(s.digest);
                if (b != null) s.takeBody(r.view, b);
            }
        }
        bodies.clear();
        r.agreement.replayFinished();
    }
}
