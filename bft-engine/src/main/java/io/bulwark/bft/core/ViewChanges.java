package io.bulwark.bft.core;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.NewView;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.msg.Suspect;
import io.bulwark.bft.msg.ViewChange;
import io.bulwark.bft.msg.ViewChangeAck;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * View changes (section 4.5, Figures 2 and 3): leaving a view with P and Q, the round of
 * view-changes and acks for the next one, the f+1 rule of [6] for joining a higher view, the new
 * primary's decision and a backup's check of it, and installing the new view. Its timers are in
 * {@link ViewTimers}.
 */
final class ViewChanges {
    private final Replica r;
    private final PreparedSets sets;
    /** The round of the view we are changing to, or of the view last installed by a view change. */
    ViewChangeRound round;
    /** Per replica, the view-change for the highest view it sent us (the f+1 rule of [6]). */
    private final ViewChange[] latest;
    /** Our own VIEW-CHANGE for {@code view} (null in view 0). */
    ViewChange mine;
    /** A NEW-VIEW for a view we have not joined yet (from that view's primary); used once we join it. */
    private NewView early;
    /** View changes this replica started (sent a VIEW-CHANGE for). */
    long started;
    /** Who suspects the current primary (issue 15 item 3). */
    private final Suspicions suspicions;

    ViewChanges(Replica r) {
        this.r = r;
        this.sets = new PreparedSets(r.cfg.f());
        this.latest = new ViewChange[r.n];
        this.suspicions = new Suspicions(r.n);
    }

    /**
     * A timer of ours ran out ([6]: a request not ordered or not executed in time, or the NEW-VIEW
     * of the view we are changing to did not come): we suspect that view's primary, say so, and stay.
     * <p>
     * Issue 15 item 3, not in the paper. In PBFT a replica leaves on its own timeout; when its
     * suspicion is not shared (a request of its was ordered late, it was stopped or cut off a while)
     * the group stays, and it stays alone in the next view: it ignores everything as wrong-view, keeps
     * up only by state transfer, and the group runs without its fault margin. Here leaving takes two
     * thresholds, as BFT-SMaRt's STOP does: a replica that sees f+1 replicas suspect the view (one of
     * them correct) suspects it too, and one that sees 2f+1 (f+1 of them correct) leaves. A VIEW-CHANGE
     * for a later view counts as its sender's suspicion.
     * <ul>
     *   <li>Never alone: a correct replica leaves only when f+1 correct ones suspect; each of them
     *   keeps suspecting while it is in the view and someone has left it ({@link #repeatSuspicion}),
     *   so, once the network is healthy, every correct replica hears f+1, suspects, and hears 2f+1:
     *   all correct replicas leave. f faulty replicas aiming SUSPECTs at one correct replica whose
     *   timer ran out (f+1 with its own) no longer take it away alone.</li>
     *   <li>Live: a faulty primary's requests wait at every correct backup (clients retransmit to all),
     *   and all 2f+1 correct replicas suspect. A correct primary that the backups suspect (it is slow,
     *   or was cut off) hears f+1 suspicions and joins them, so 2f backups and it make 2f+1 even if the
     *   other f replicas say nothing; the new view needs 2f+1 VIEW-CHANGEs anyway (section 4.5).</li>
     *   <li>Safe: SUSPECT carries no vote; a replica keeps voting in the view until it leaves it, and
     *   leaving is the paper's (its VIEW-CHANGE reports P and Q as of then, and it never votes in the
     *   view again).</li>
     * </ul>
     * The cost is one more message delay before a view change.
     */
    void suspect() { suspect("a request not ordered or executed in time"); }

    /** As {@link #suspect()}, for {@code cause} (named in the operator's line when the view ends). */
    void suspect(String cause) {
        ownCause = cause;
        ownCauseView = r.view;
        suspectHere();
        weighSuspicions();
    }

    /** Why this replica suspected the view {@link #ownCauseView} (null: it did not, or joined f+1 others). */
    private String ownCause;
    private long ownCauseView = -1;

    /** Another replica's SUSPECT of the view we are in (active, or changing to it). */
    void onSuspect(int from, Suspect s) {
        if (!r.fromReplica(from, s.replica())) return;
        if (s.view() != r.view) { r.counters.ignore(Ignored.WRONG_VIEW); return; }
        suspicions.add(r.view, from, r.now);
        weighSuspicions();
    }

    /**
     * The status period: while we are in a view that we suspected and that someone has left (we hold
     * a VIEW-CHANGE for a later view from another replica), we keep saying so. A replica that left on
     * 2f+1 suspicions, f+1 of them from correct replicas, thus has f+1 correct replicas behind it
     * whose suspicions do not lapse (nor get lost before the network heals) until every correct
     * replica has joined them. A faulty replica's VIEW-CHANGE can make us repeat too: it then needs
     * a correct replica's suspicion of this view, which f+1 faulty-aimed SUSPECTs could use anyway.
     */
    void repeatSuspicion() {
        if (!suspicions.suspectedHere(r.view) || !someoneLeft()) return;
        suspectHere();
        weighSuspicions();
    }

    private boolean someoneLeft() {
        for (int j = 0; j < r.n; j++) if (j != r.id && latest[j] != null && latest[j].view() > r.view) return true;
        return false;
    }

    private void suspectHere() {
        r.out.add(new Action.Multicast(new Suspect(r.view, r.id)));
        suspicions.addOwn(r.view, r.id, r.now);
    }

    /** f+1 suspect the view (one correct): we join them; 2f+1 (f+1 correct): we leave it. */
    private void weighSuspicions() {
        long lifetime = 2 * r.timers.viewChangeTimeout();
        int c = suspicions.count(r.view, r.now, lifetime);
        if (c >= r.cfg.weakQuorum() && !suspicions.fresh(r.view, r.id, r.now, lifetime)) {
            suspectHere();
            c++;
        }
        if (c >= r.cfg.quorum())
            startViewChange(r.view + 1, "2f+1 replicas suspect primary " + r.primary()
                    + " (" + (ownCause != null && ownCauseView == r.view ? ownCause : "f+1 others did, and so did this one") + ")");
    }

    /**
     * Replay ({@link LogReplay}): we had left for {@code vc.view()} with this VIEW-CHANGE. The sets
     * are the ones it reports; the round starts again with it alone (the others' view-changes come
     * again by retransmission).
     */
    void replayViewChange(ViewChange vc) {
        // As when we sent it (keepUnexecutedCommits). The state they built before the crash is gone (the saved
        // state is the last stable checkpoint), and the VIEW-CHANGE names checkpoints above it: after a whole-group
        // power loss a new view may start from one that only these commits can rebuild (sim seed 5805 f=2,
        // power-loss: every replica fetching checkpoint 32, which none held any more, each with its committed
        // records up to 32 in its journal).
        keepUnexecutedCommits();
        r.agreement.clearLog();
        r.requests.leaveView();   // what the old view assigned is not assigned in the next one
        r.view = vc.view();
        r.viewActive = false;
        sets.restore(vc.prepared(), vc.prePrepared());
        sets.truncate(Math.max(r.h, r.checkpoints.stableSeq));
        mine = vc;
        latest[r.id] = vc;
        round = new ViewChangeRound(r.view, r.n, r.primary());
        round.receive(vc);
    }

    /**
     * Leaving the view's log: our own commits for what we have not executed count toward catching up if the new
     * view starts above them (and a batch committed here is certified already).
     */
    private void keepUnexecutedCommits() {
        for (Slot s : r.agreement.log().values()) if (s.myCommit != null && s.seq > r.lastExecuted) r.catchUp.keepOwnCommit(s);
    }

    /** Replay: another replica's view-change that the NEW-VIEW which follows names (checked when we installed it). */
    void replayNamedViewChange(ViewChange vc) {
        if (vc.replica() == r.id || vc.replica() < 0 || vc.replica() >= r.n) throw new IllegalStateException("journal: a named VIEW-CHANGE of replica " + vc.replica());
        if (round == null || round.view != vc.view() || r.viewActive || vc.view() != r.view) return;   // superseded
        round.receive(vc);
    }

    /** The other replicas' view-changes the installed NEW-VIEW names, as held (for the journal). */
    List<ViewChange> namedViewChanges() {
        NewView nv = installedNewView();
        if (nv == null) return List.of();
        List<ViewChange> named = new ArrayList<>();
        for (NewView.ViewChangeRef ref : nv.viewChanges()) {
            if (ref.replica() == r.id) continue;
            ViewChange vc = round.lookup(ref.replica(), ref.digest(), r.cfg.weakQuorum());
            if (vc != null) named.add(vc);
        }
        return named;
    }

    /** Replay: we had started the view we were changing to from this decision. */
    void replayNewView(NewView nv) {
        round.newView = nv;
        install(nv);
    }

    /** Estimation (section 4.4): what the sets say above H_M may be corrupt. */
    void discardAbove(long hm) { sets.truncateAbove(hm); }

    /** The digests whose bodies a view change would need (the prepared sets'). */
    Set<Digest> referencedBodies() { return sets.referenced(); }

    /** For a journal image: the VIEW-CHANGE we sent for the current view, and the NEW-VIEW we started it from. */
    ViewChange mineForCurrentView() { return mine != null && mine.view() == r.view ? mine : null; }

    NewView installedNewView() { return r.viewActive && round != null && round.view == r.view ? round.newView : null; }

    /** Garbage collection: the sets forget what is at or below the new low water mark. */
    void truncate(long h) { sets.truncate(h); }

    void startViewChange(long newView) { startViewChange(newView, "asked to"); }

    /** Leaves the current view for {@code newView}: VIEW-CHANGE with C, P and Q (Figure 2); {@code why} goes to the operator's log. */
    void startViewChange(long newView, String why) {
        if (newView <= r.view) return;
        started++;
        r.notice(new Notice.ViewChangeStarted(r.view, newView, why));
        // ls: our stable checkpoint, or the checkpoint the current view started from (known correct:
        // f+1 replicas vouched for it). Entries at or below it are not reported.
        long ls = Math.max(r.h, r.checkpoints.stableSeq);
        // ls may be above h (a state transfer took us past the checkpoint the view started from).
        if (r.viewActive) sets.leaveView(r.view, ls, ls + r.cfg.logSize(), r.agreement.log());
        r.timers.leaveView(r.viewActive);
        sets.truncate(ls);
        // Keep the bodies of what the sets refer to; the log of the old view goes.
        Set<Digest> keep = sets.referenced();
        BatchBodies bodies = r.agreement.bodies;
        for (Slot s : r.agreement.log().values()) if (s.prePrepare != null && keep.contains(s.digest)) bodies.put(s.digest, s.prePrepare);
        keepUnexecutedCommits();
        bodies.retainOnly(keep);
        r.agreement.clearLog();
        r.requests.leaveView();
        r.timers.disarmOrdering();
        r.agreement.maxCommitted = Math.min(r.agreement.maxCommitted, r.lastExecuted);
        r.view = newView;
        r.viewActive = false;
        r.timers.disarmViewChange();
        round = new ViewChangeRound(r.view, r.n, r.primary());
        mine = new ViewChange(r.view, r.id, ls, List.copyOf(r.checkpoints.held()), sets.prepared(), sets.prePrepared());
        latest[r.id] = mine;
        round.receive(mine);
        r.persist(new LogEntry.ViewChangeSent(mine));
        r.out.add(new Action.Multicast(mine));
        // View-changes for this view that arrived before we joined it count now.
        for (int j = 0; j < r.n; j++) {
            ViewChange vc = latest[j];
            if (j != r.id && vc != null && vc.view() == r.view) accept(vc);
        }
        NewView e = early;
        early = null;
        if (e != null && e.view() == r.view) onNewView(r.primary(), e);
        progress();
    }

    /** A VIEW-CHANGE while changing views: for the view we change to, it counts in the round. */
    void onViewChange(int from, ViewChange vc) {
        if (!checked(from, vc)) return;
        if (from != vc.replica()) {
            // A copy the new primary forwards (its author may be uncooperative): usable with f acks.
            if (vc.view() == r.view && from == r.primary()) {
                round.receiveForwarded(vc);
                progress();
            } else {
                r.counters.ignore(Ignored.BAD_VIEW_CHANGE);
            }
            return;
        }
        record(from, vc);
        if (vc.view() == r.view) {
            accept(vc);
            progress();
        } else if (vc.view() > r.view) {
            joinIfFPlusOneAhead();
            // It gave up on the view we are changing to (unless the f+1 rule just took us to its
            // view): a suspicion of it, as in onViewChangeWhileActive.
            if (r.view < vc.view()) {
                suspicions.add(r.view, from, r.now);
                weighSuspicions();
            }
        }
    }

    /** A VIEW-CHANGE while our view is active: it may show that f+1 replicas moved on. */
    void onViewChangeWhileActive(int from, ViewChange vc) {
        if (!checked(from, vc)) return;
        if (from != vc.replica()) { r.counters.ignore(Ignored.BAD_VIEW_CHANGE); return; }
        record(from, vc);
        if (vc.view() > r.view) {
            joinIfFPlusOneAhead();
            // A replica that left our view suspected it: it counts among the suspicions (sim seed 703
            // f=1, aimed: a faulty replica's SUSPECT took one correct backup into view 2; the primary
            // of view 1, unable to commit, suspected itself, and only this joined the two).
            if (r.view < vc.view()) {
                suspicions.add(r.view, from, r.now);
                if (from == r.primary()) abdicated();
                weighSuspicions();
            }
        }
    }

    /**
     * The primary of our view left it ({@link Replica#stepDown}: it is about to be rebooted for its
     * recovery, section 6.3): it will not order, so we suspect it at once rather than when our timer
     * runs out. This gives a faulty primary nothing it lacks: it could stop ordering and let the
     * timers fire. And it keeps "never alone" ({@link #suspect}): we suspect, we do not leave, so a
     * primary that tells one correct backup alone brings it to f+1 suspicions at most (itself and
     * the backup), short of the 2f+1 that take anyone away; told to all, the 2f+1 correct replicas
     * (the primary among them) leave on each other's SUSPECTs one message delay later.
     */
    private void abdicated() {
        if (suspicions.fresh(r.view, r.id, r.now, 2 * r.timers.viewChangeTimeout())) return;
        r.notice(new Notice.PrimaryAbdicated(r.view, r.primary()));
        ownCause = "it left the view: stepped down before a restart, or suspects itself";
        ownCauseView = r.view;
        suspectHere();
    }

    private boolean checked(int from, ViewChange vc) {
        if (from < 0 || from >= r.n || from == r.id) { r.counters.ignore(Ignored.NOT_A_REPLICA); return false; }
        if (!wellFormed(vc)) { r.counters.ignore(Ignored.BAD_VIEW_CHANGE); return false; }
        return true;
    }

    private void record(int from, ViewChange vc) {
        ViewChange prior = latest[from];
        if (prior == null || vc.view() > prior.view()) latest[from] = vc;
    }

    /** Sanity of a view-change's contents: entries within its sender's window, sizes bounded. */
    private boolean wellFormed(ViewChange vc) {
        if (vc.view() <= 0 || vc.replica() < 0 || vc.replica() >= r.n) return false;
        long lo = vc.stableSeq(), hi = vc.stableSeq() + r.cfg.logSize();
        if (vc.checkpoints().size() > r.cfg.logSize() / r.cfg.checkpointInterval() + 2) return false;
        for (ViewChange.PreparedEntry e : vc.prepared()) if (e.seq() <= lo || e.seq() > hi || e.view() >= vc.view()) return false;
        for (ViewChange.PrePreparedEntry e : vc.prePrepared()) {
            // PreparedSets keeps at most f+2 (digest, view) pairs per number.
            if (e.seq() <= lo || e.seq() > hi || e.entries().isEmpty() || e.entries().size() > r.cfg.f() + 2) return false;
            for (ViewChange.DigestView dv : e.entries()) if (dv.view() >= vc.view()) return false;
        }
        return vc.prepared().size() <= r.cfg.logSize() && vc.prePrepared().size() <= r.cfg.logSize();
    }

    /** A view-change for the view we are changing to, from its author: record it and acknowledge it to the new primary. */
    private void accept(ViewChange vc) {
        if (!round.receive(vc)) return;
        if (!r.isPrimary()) r.out.add(new Action.Send(r.primary(), new ViewChangeAck(r.view, r.id, vc.replica(), round.receivedDigest(vc.replica()))));
    }

    /** [6]: f+1 replicas are in higher views, so at least one correct one is: join the smallest view they vouch for. */
    private void joinIfFPlusOneAhead() {
        long[] ahead = new long[r.n];
        int k = 0;
        for (ViewChange vc : latest) if (vc != null && vc.view() > r.view) ahead[k++] = vc.view();
        if (k < r.cfg.weakQuorum()) return;
        Arrays.sort(ahead, 0, k);
        startViewChange(ahead[k - r.cfg.weakQuorum()], "f+1 replicas are in later views");
    }

    /** A VIEW-CHANGE-ACK while changing views (while active, the dispatcher counts it as WRONG_VIEW). */
    void onViewChangeAck(int from, ViewChangeAck a) {
        if (!r.fromReplica(from, a.replica())) return;
        if (a.view() != r.view || a.viewChangeSender() < 0 || a.viewChangeSender() >= r.n) {
            r.counters.ignore(Ignored.WRONG_VIEW);
            return;
        }
        round.ack(from, a.viewChangeSender(), a.viewChangeDigest());
        progress();
    }

    /** A NEW-VIEW for a later view may come before the view-changes that make us join it: keep the latest. */
    private boolean keptEarly(int from, NewView nv) {
        if (nv.view() <= r.view || from != r.cfg.primaryOf(nv.view())) return false;
        if (early == null || nv.view() > early.view()) early = nv;
        return true;
    }

    void onNewViewWhileActive(int from, NewView nv) {
        if (!keptEarly(from, nv)) r.counters.ignore(Ignored.WRONG_VIEW);
    }

    void onNewView(int from, NewView nv) {
        if (keptEarly(from, nv)) return;
        if (nv.view() != r.view) { r.counters.ignore(Ignored.WRONG_VIEW); return; }
        if (from != r.primary() || r.isPrimary()) { r.counters.ignore(Ignored.NOT_FROM_PRIMARY); return; }
        if (round.newView != null) return;   // the first one counts
        if (nv.viewChanges().size() < r.cfg.quorum() || nv.viewChanges().size() > r.n) { r.counters.ignore(Ignored.BAD_NEW_VIEW); return; }
        boolean[] seen = new boolean[r.n];
        for (NewView.ViewChangeRef ref : nv.viewChanges()) {
            if (ref.replica() < 0 || ref.replica() >= r.n || seen[ref.replica()]) { r.counters.ignore(Ignored.BAD_NEW_VIEW); return; }
            seen[ref.replica()] = true;
        }
        round.newView = nv;
        progress();
    }

    /** Runs whatever the view change can do with the information at hand (section 4.5). */
    void progress() {
        if (r.viewActive || round == null) return;
        if (!r.timers.viewChangeArmed && round.receivedCount() >= r.cfg.quorum()) {
            // [6]: with 2f+1 view-changes in, the new view has this long to start.
            r.timers.armViewChange();
        }
        BatchBodies bodies = r.agreement.bodies;
        if (r.isPrimary()) {
            round.admit(r.cfg.quorum());
            List<ViewChange> s = round.s();
            if (s.size() < r.cfg.quorum()) return;
            NewViewDecision.Outcome o = new NewViewDecision(s, r.cfg.f(), r.cfg.logSize()).decide(bodies::have);
            if (!o.decided()) {
                for (var m : o.missingBodies().entrySet()) bodies.want(m.getKey(), m.getValue());
                return;
            }
            List<NewView.ViewChangeRef> refs = new ArrayList<>();
            for (ViewChange vc : s) refs.add(new NewView.ViewChangeRef(vc.replica(), round.receivedDigest(vc.replica())));
            NewView nv = new NewView(r.view, List.copyOf(refs), o.start().seq(), o.start().digest(), o.selected());
            if (contradictsExecution(nv)) {
                r.counters.ignore(Ignored.BELOW_EXECUTED);
                startViewChange(r.view + 1, "the new-view decision contradicts what this replica executed");
                return;
            }
            round.newView = nv;
            for (ViewChange vc : s) if (vc.replica() != r.id) r.persist(new LogEntry.ViewChangeNamed(vc));
            r.persist(new LogEntry.NewViewInstalled(nv));
            r.out.add(new Action.Multicast(nv));
            install(nv);
        } else if (round.newView != null) {
            NewView nv = round.newView;
            List<ViewChange> s = new ArrayList<>();
            for (NewView.ViewChangeRef ref : nv.viewChanges()) {
                ViewChange vc = round.lookup(ref.replica(), ref.digest(), r.cfg.weakQuorum());
                if (vc == null) return;   // wait: STATUS gets it retransmitted
                s.add(vc);
            }
            if (!new NewViewDecision(s, r.cfg.f(), r.cfg.logSize()).verify(nv)) {
                r.counters.ignore(Ignored.NEW_VIEW_REJECTED);
                startViewChange(r.view + 1, "primary " + r.primary() + "'s NEW-VIEW is not supported by the view-changes it names");
                return;
            }
            if (contradictsExecution(nv)) {
                r.counters.ignore(Ignored.BELOW_EXECUTED);
                startViewChange(r.view + 1, "primary " + r.primary() + "'s NEW-VIEW contradicts what this replica executed");
                return;
            }
            for (ViewChange vc : s) if (vc.replica() != r.id) r.persist(new LogEntry.ViewChangeNamed(vc));
            r.persist(new LogEntry.NewViewInstalled(nv));
            install(nv);
        }
    }

    /**
     * A local check of the decision against what this replica executed (issue 18): at a number we
     * executed with our own commit certificate, the new view must keep the same batch — explicitly,
     * since an implied null frees the number. The decision procedure guarantees it for a correct
     * group; a decision that breaks it is refused like one the view-changes do not support.
     */
    private boolean contradictsExecution(NewView nv) {
        long start = nv.checkpointSeq();
        for (Map.Entry<Long, Executed> e : r.agreement.executedLog.tailMap(start, false).entrySet()) {
            long i = e.getKey() - start - 1;
            if (i >= nv.selected().size()) return true;
            if (!nv.selected().get((int) i).equals(e.getValue().body().digest())) return true;
        }
        return false;
    }

    /** Starts the new view from the decision (section 4.5, "new-view message processing"). */
    void install(NewView nv) {
        r.viewActive = true;
        r.notice(new Notice.ViewInstalled(nv.view(), r.primary(), nv.checkpointSeq(), nv.checkpointSeq() > r.lastExecuted));
        r.timers.disarmViewChange();
        long start = nv.checkpointSeq();
        if (start > r.lastExecuted) {
            // Catch up from retained commits if we can, else fetch the state (CatchingUp.maybeTransfer):
            // the decision procedure made sure f+1 replicas hold this checkpoint.
            r.counters.ignore(Ignored.STATE_BEHIND);
            r.catchUp.offerTarget(start, nv.checkpointDigest());
        }
        r.checkpoints.adoptViewStart(start, nv.checkpointDigest());
        // Our own stable checkpoint may be above the one the view starts from (we executed or fetched
        // further): the log must not start below it, or nothing later could ever become stable here.
        r.h = Math.max(start, r.checkpoints.stableSeq);
        Agreement ag = r.agreement;
        ag.clearLog();
        sets.truncate(r.h);
        for (int i = 0; i < nv.selected().size(); i++) {
            long seq = start + 1 + i;
            Digest d = nv.selected().get(i);
            Slot s = ag.slot(seq);
            s.digest = d;
            if (d.equals(NewView.NULL_REQUEST)) {
                s.prePrepare = new PrePrepare(r.view, seq, d, NonDet.encodeTime(0), List.of());
            } else {
                PrePrepare body = ag.bodies.get(d);
                if (body != null) {
                    s.takeBody(r.view, body);
                    r.persist(new LogEntry.PrePrepared(s.prePrepare));
                }
                if (seq > r.lastExecuted) {
                    if (body != null) for (Request q : body.batch()) r.requests.ordered(q);
                    else ag.bodies.want(seq, d);
                }
            }
            if (r.isPrimary()) {
                if (s.prePrepare != null && !d.equals(NewView.NULL_REQUEST)) r.out.add(new Action.Multicast(s.prePrepare));
            } else {
                s.myPrepare = new Prepare(r.view, seq, d, r.id);
                s.prepares.put(r.id, d);
                ag.reserveVote(seq);
                r.out.add(new Action.Multicast(s.myPrepare));
            }
        }
        ag.nextSeq = Math.max(start + nv.selected().size(), r.lastExecuted) + 1;
        // Numbers past the decision were freed by rule B: nothing prepared there can take effect,
        // so reads need not wait for them (see RequestQueue.readsMayRun).
        ag.maxPrepared = Math.min(ag.maxPrepared, Math.max(r.lastExecuted, start + nv.selected().size()));
        for (Slot s : ag.log().values()) ag.checkPrepared(s);
        // The requests clients sent us directly go to the new primary, with a fresh ordering
        // deadline; not those of clients quarantined under it.
        r.requests.dropQuarantined();
        if (!r.isPrimary()) {
            r.requests.handToNewPrimary();
            r.timers.armOrderingTimer();
        }
        r.timers.armRequestTimer();
        r.afterProgress();
    }
}
