package io.bulwark.bft.core;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.AuthFailure;
import io.bulwark.bft.msg.Checkpoint;
import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.Data;
import io.bulwark.bft.msg.Fetch;
import io.bulwark.bft.msg.FetchBatch;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.MetaData;
import io.bulwark.bft.msg.NewView;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.PrePrepareByDigest;
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.Reply;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.msg.Status;
import io.bulwark.bft.msg.ViewChange;
import io.bulwark.bft.msg.ViewChangeAck;
import io.bulwark.bft.msg.Suspect;
import io.bulwark.bft.msg.QueryStable;
import io.bulwark.bft.msg.ReplyStable;
import io.bulwark.bft.state.PartitionTree;
import io.bulwark.bft.state.ReplicatedState;
import java.util.BitSet;
import java.util.List;

/**
 * The replica state machine (sections 4.2–4.5, 4.6.1): a pure core.
 * <p>
 * It takes one input at a time — an authenticated message ({@link #receive}), a timer
 * ({@link #timeout}), the end of an execution ({@link #executed}, {@link #executedReadOnly}) —
 * each with the current time as an argument, and accumulates {@link ReplicaAction}s that the
 * driver collects with {@link #ready()}. No sockets, threads, clocks, randomness or files in here.
 * <p>
 * This class is the dispatcher: it holds the view, the water marks and the last executed sequence
 * number, checks the mode (view active, or changing to {@code view}) once per input, and hands the
 * input to the sub-protocol it belongs to. Each sub-protocol is a package-private component writing
 * to the same outbox: {@link RequestQueue} (client requests, batching), {@link Agreement} (three
 * phases, in-order execution, batch bodies), {@link Checkpoints} (votes, stability, garbage
 * collection), {@link ViewChanges} with its {@link ViewTimers} (section 4.5 and [6]),
 * {@link CatchingUp} (commits from earlier views, state transfer, being behind) and
 * {@link Retransmission} (STATUS, section 4.6.1).
 * <p>
 * The replica owns its {@link ReplicatedState}: the driver executes operations against the
 * service's pages, and the core takes checkpoints of the partition tree, serves and runs state
 * transfer (section 4.6.2) — in-memory data structures, no I/O.
 * <p>
 * Invariants: slots exist only for h &lt; seq ≤ H = h + L and only for the current view; at most
 * one execution is outstanding; requests execute in sequence order, each client's at most once (by
 * timestamp); only committed batches execute, so a view change never needs to roll back.
 */
public final class Replica {
    /** The digest that stands for the initial state, checkpoint 0, which every replica holds. */
    public static final Digest GENESIS = Digest.ZERO;

    final int id;
    final ProtocolConfig cfg;
    final int n;
    final Counters counters = new Counters();
    final Outbox<ReplicaAction> out = new Outbox<>();
    /** What an operator should hear about, for the driver to log (bounded: the oldest go first). */
    private final java.util.ArrayDeque<Notice> notices = new java.util.ArrayDeque<>();
    static final int MAX_NOTICES = 256;
    final ReplicatedState state;
    final PartitionTree tree;
    /** The last reply per client (section 4.2): exactly-once execution, retransmitted replies. */
    final ClientTable clients;
    /** The big-MAC defence (see ClientQuarantine). */
    final ClientQuarantine quarantine;

    /** The time of the input being handled. */
    long now;
    long view;
    /** False from sending a VIEW-CHANGE for {@code view} until its NEW-VIEW is installed. */
    boolean viewActive = true;
    /** Low water mark: sequence number of the checkpoint the log starts after (H = h + L). */
    long h;
    long lastExecuted;
    private boolean started;
    /** Key refreshes of this replica (section 4.1). */
    long keyRefreshes;
    /** See {@link #stepDown}. */
    long steppedDown;
    /** The driver keeps a journal: the core emits {@link ReplicaAction.Persist} (issue 12). */
    private boolean journaled;
    /** Non-null while the journal is replayed (between restore and start). */
    private LogReplay replay;

    final RequestQueue requests;
    final Agreement agreement;
    final Checkpoints checkpoints;
    final ViewChanges views;
    final ViewTimers timers;
    final CatchingUp catchUp;
    final Retransmission retransmission;
    final Estimation estimation;
    final Recovery recovery;

    /** A replica with a small state of its own (tests of the protocol alone). */
    public Replica(int id, ProtocolConfig cfg) { this(id, cfg, new ReplicatedState(1, 64)); }

    public Replica(int id, ProtocolConfig cfg, ReplicatedState state) {
        this.cfg = cfg;
        this.n = cfg.n();
        if (id < 0 || id >= n) throw new IllegalArgumentException("replica id " + id + " outside 0.." + (n - 1));
        this.id = id;
        this.state = state;
        this.tree = state.tree();
        this.clients = new ClientTable(state.maxClients(), n);
        this.quarantine = new ClientQuarantine(n, cfg.f(), ClientQuarantine.BASE_VIEW_CHANGE_TIMEOUTS * cfg.viewChangeTimeoutMs());
        this.requests = new RequestQueue(this);
        this.agreement = new Agreement(this);
        this.checkpoints = new Checkpoints(this);
        this.views = new ViewChanges(this);
        this.timers = new ViewTimers(this);
        this.catchUp = new CatchingUp(this);
        this.retransmission = new Retransmission(this);
        this.estimation = new Estimation(this);
        this.recovery = new Recovery(this);
        // Every correct replica starts from the same initial state: the checkpoint at 0.
        checkpoints.votes(0).mine = new Checkpoint(0, GENESIS, id);
    }

    // ---- inputs ----

    /**
     * Before {@link #start}: the state is a saved one, the tree's retained checkpoint {@code seq}
     * (loaded by the driver, and checked: {@code damaged} if a page failed its digest or the root is
     * not the one recorded at save). The replica starts as if it had executed up to {@code seq} and
     * that checkpoint were stable; the protocol log and the view are not saved, so it rejoins like a
     * replica that fell behind. A damaged state executes nothing: it is repaired by a state transfer
     * to the next checkpoint f+1 other replicas vouch for (the digests find the pages that differ).
     */
    public void restore(long seq, boolean damaged) {
        if (lastExecuted != 0 || agreement.executing != -1 || agreement.logSize() != 0) throw new IllegalStateException("restore before anything else");
        if (!tree.holds(seq)) throw new IllegalArgumentException("checkpoint " + seq + " is not the tree's");
        if (seq == 0 && !damaged) return;   // the initial state
        checkpoints.clear();
        if (!damaged) agreement.agreedTime = clients.read(state.engine());   // a damaged table is read after the repair
        lastExecuted = seq;
        agreement.restore(seq);
        h = seq;
        checkpoints.stableSeq = seq;
        if (!damaged) checkpoints.own(seq, tree.digest(seq));
        else catchUp.restoreDamaged();
    }

    /**
     * Before {@link #start}, after {@link #restore}: one entry of this replica's journal, in the
     * order written (see {@link LogReplay}). Call {@link #replayed} after the last one.
     */
    public void replay(long now, LogEntry entry) {
        if (started) throw new IllegalStateException("replay before start");
        this.now = now;
        if (replay == null) replay = new LogReplay(this);
        replay.apply(entry);
    }

    /** The journal is replayed: committed batches above the saved checkpoint run again. Returns the entries replayed. */
    public long replayed(long now) {
        if (replay == null) return 0;
        this.now = now;
        replay.finish();
        long count = replay.entries;
        replay = null;
        afterProgress();
        return count;
    }

    /**
     * What the journal needs to hold for a restart to reach where this replica is now, given its
     * saved state at the low water mark h: the VIEW-CHANGE and NEW-VIEW of the current view (with the
     * others' VIEW-CHANGEs it names), the
     * bodies the prepared sets refer to, and the current view's slots above h. The driver writes it
     * after a save of checkpoint h and then deletes the journal segments before it.
     */
    public List<LogEntry> logImage() {
        List<LogEntry> image = new java.util.ArrayList<>();
        var mine = views.mineForCurrentView();
        if (mine != null) image.add(new LogEntry.ViewChangeSent(mine));
        var nv = views.installedNewView();
        if (nv != null) {
            for (var vc : views.namedViewChanges()) image.add(new LogEntry.ViewChangeNamed(vc));
            image.add(new LogEntry.NewViewInstalled(nv));
        }
        var reserved = agreement.reservation();
        if (reserved != null) image.add(reserved);
        for (Digest d : views.referencedBodies()) {
            var b = agreement.bodies.get(d);
            if (b != null) image.add(new LogEntry.PrePrepared(b));
        }
        if (viewActive) {
            for (Slot s : agreement.log().tailMap(h, false).values()) {
                if (s.prePrepare != null && s.digest != null && !s.digest.equals(io.bulwark.bft.msg.NewView.NULL_REQUEST))
                    image.add(new LogEntry.PrePrepared(s.prePrepare));
                if (s.prepared) image.add(new LogEntry.Prepared(view, s.seq, s.digest));
                if (s.committed) image.add(new LogEntry.Committed(view, s.seq, s.digest));
            }
        }
        return image;
    }

    /** Before {@link #start}: the driver keeps a journal, so the core says what to write to it ({@link ReplicaAction.Persist}). */
    public void journaled(boolean on) {
        if (started) throw new IllegalStateException("journaled before start");
        journaled = on;
    }

    /** Starts the replica's timers. */
    public void start(long now) {
        started = true;
        this.now = now;
        catchUp.lastProgressAt = now;
        out.add(new Action.SetTimer(TimerKind.STATUS, now + cfg.statusIntervalMs()));
    }

    /** An authenticated message from principal {@code from}. */
    public void receive(long now, int from, Message m) { receive(now, from, m, null); }

    /**
     * An authenticated message from principal {@code from}; for a pre-prepare, {@code unverified}
     * marks the positions of the requests in its batch whose client authenticator entry did not
     * verify at this replica (null: all did). The frame layer computes it.
     * <p>
     * The mode is checked here, once: the normal-case messages go to {@link Agreement} while the
     * view is active, the ones that finish a view change to {@link ViewChanges} while it changes.
     */
    public void receive(long now, int from, Message m, BitSet unverified) {
        this.now = now;
        if (viewActive) receiveActive(from, m, unverified);
        else receiveChanging(from, m, unverified);
        timers.resumeIfCaughtUp();
    }

    private void receiveActive(int from, Message m, BitSet unverified) {
        if (m instanceof PrePrepare pp) agreement.onPrePrepare(from, pp, unverified);
        else if (m instanceof PrePrepareByDigest pp) agreement.onPrePrepareByDigest(from, pp, unverified);
        else if (m instanceof Prepare p) agreement.onPrepare(from, p);
        else if (m instanceof Commit c) agreement.onCommit(from, c);
        else if (m instanceof ViewChange vc) views.onViewChangeWhileActive(from, vc);
        else if (m instanceof ViewChangeAck a) { if (fromReplica(from, a.replica())) counters.ignore(Ignored.WRONG_VIEW); }
        else if (m instanceof NewView nv) views.onNewViewWhileActive(from, nv);
        else if (m instanceof Suspect s) views.onSuspect(from, s);
        else receiveInAnyMode(from, m);
    }

    private void receiveChanging(int from, Message m, BitSet unverified) {
        if (m instanceof PrePrepare pp) agreement.onPrePrepareWhileChanging(pp, unverified);
        // Not a proposal we can act on, and it carries no body (the requests it names are fetched whole).
        else if (m instanceof PrePrepareByDigest) counters.ignore(Ignored.WRONG_VIEW);
        else if (m instanceof Prepare p) agreement.onPrepareWhileChanging(from, p);
        else if (m instanceof Commit c) agreement.onCommitWhileChanging(from, c);
        else if (m instanceof ViewChange vc) views.onViewChange(from, vc);
        else if (m instanceof ViewChangeAck a) views.onViewChangeAck(from, a);
        else if (m instanceof NewView nv) views.onNewView(from, nv);
        else if (m instanceof Suspect s) views.onSuspect(from, s);
        else receiveInAnyMode(from, m);
    }

    private void receiveInAnyMode(int from, Message m) {
        if (m instanceof Request r) requests.onRequest(from, r);
        else if (m instanceof Checkpoint c) checkpoints.onCheckpoint(from, c);
        else if (m instanceof Status s) retransmission.onStatus(from, s);
        else if (m instanceof FetchBatch fb) agreement.bodies.onFetchBatch(from, fb);
        else if (m instanceof Fetch fe) catchUp.onFetch(from, fe);
        else if (m instanceof MetaData md) catchUp.onMetaData(from, md);
        else if (m instanceof Data d) catchUp.onData(from, d);
        else if (m instanceof AuthFailure af) requests.onAuthFailure(from, af);
        else if (m instanceof QueryStable q) estimation.onQuery(from, q);
        else if (m instanceof ReplyStable a) estimation.onReply(from, a);
        else if (m instanceof Reply rp) recovery.onReply(from, rp);
        else counters.ignore(Ignored.UNEXPECTED_MESSAGE);
    }

    public void timeout(long now, TimerKind kind) {
        this.now = now;
        if (kind == TimerKind.STATUS) {
            if (viewActive) agreement.complainOverdue();
            retransmission.onStatusTimer();
            // After the retransmission's FETCH-BATCHes for bodies wanted before: a new one goes out once.
            if (viewActive) agreement.fetchAwaitedBodies();
            views.repeatSuspicion();
            catchUp.onStatusTimer();
            estimation.onStatusTimer();
            recovery.onStatusTimer();
        } else if (viewActive) {
            timers.timeoutWhileActive(kind);
        } else {
            timers.timeoutWhileChanging(kind);
        }
        timers.resumeIfCaughtUp();
    }

    /**
     * The driver installed a new session key of client {@code client} (its NEW-KEY was accepted):
     * requests of that client waiting in a parked pre-prepare for their key are checked again with
     * {@code authenticates} — the frame layer's check of this replica's entry of a request's client
     * authenticator, a pure function of the keys now held (no I/O) — so a correct client whose
     * NEW-KEY arrived after the primary's pre-prepare is not taken for a big-MAC client (issue 15
     * item 2; see Agreement.authenticatedHere).
     */
    public void clientKeyChanged(long now, int client, java.util.function.Predicate<Request> authenticates) {
        this.now = now;
        if (client < n) throw new IllegalArgumentException("principal " + client + " is not a client");
        if (viewActive) agreement.clientKeyChanged(client, authenticates);
        timers.resumeIfCaughtUp();
    }

    /**
     * The driver finished {@link ReplicaAction.Execute} for {@code seq}: one result per request. When the
     * action asked for a checkpoint, the core takes it (the client table goes into the state first).
     */
    public void executed(long now, long seq, List<byte[]> results) {
        this.now = now;
        agreement.executed(seq, results);
        timers.resumeIfCaughtUp();
    }

    /** The driver finished {@link ReplicaAction.ExecuteReadOnly}. */
    public void executedReadOnly(long now, Request request, byte[] result) {
        this.now = now;
        agreement.executedReadOnly();
        out.add(new Action.Send(request.client(), reply(request, result, true)));
        afterProgress();
    }

    /**
     * The driver could not finish the outstanding execution ({@link ReplicaAction.Execute} or
     * {@link ReplicaAction.ExecuteReadOnly}): the service failed in a way that is this replica's own fault —
     * resource exhaustion (a StackOverflowError, an OutOfMemoryError: where it strikes depends on this
     * JVM, not on the request) or a bug — and not an agreed result. Nothing is recorded and no reply
     * is sent. A read-only execution just ends. An ordered batch may have modified pages before it
     * failed, so the replica marks itself corrupt and repairs itself as any corrupt replica does: it
     * executes nothing, rolls back by state transfer to a checkpoint f+1 other replicas vouch for and
     * runs the batches after it again — or, once they vouch for a later checkpoint, fetches that one.
     * To the others it is a replica that crashed at this batch and recovered: it never sent a reply
     * or a checkpoint digest for a state it did not reach. Safe as long as at most f replicas fail so
     * at once; the service's deterministic limits (the store's work budget, its depth bounds) make
     * correct replicas fail the same way long before the JVM's limits, so that they do not.
     */
    public void executionFailed(long now) {
        this.now = now;
        if (agreement.executing == -1) throw new IllegalStateException("no execution outstanding");
        if (agreement.executionFailed()) catchUp.markCorrupt();
        afterProgress();
    }

    /**
     * Checks every page of the state against its digest (section 4.4, "check and fetch state"): the
     * driver calls it after loading a saved state or on a recovery. Corrupt pages are marked, and a
     * transfer fetches them. Returns how many pages were corrupt.
     */
    public int checkState(long now) {
        this.now = now;
        int bad = tree.check().cardinality();
        if (bad > 0) catchUp.markCorrupt();
        return bad;
    }

    /**
     * Section 4.4 (estimation): this replica cannot trust its log — it restarted without its journal,
     * or it recovers — so it sends no vote until it has estimated H_M, then none above H_M until a
     * stable checkpoint reaches H_M ({@link Estimation}). {@code nonce}: random, from the driver.
     */
    public void estimate(long now, long nonce) {
        this.now = now;
        estimation.start(nonce);
    }

    /**
     * Proactive recovery (section 4.4), after the driver rebooted the replica from its saved state and
     * log (the journal replayed) and sent a fresh NEW-KEY: estimation (H_M), then the recovery request
     * signed by the co-processor ({@link ReplicaAction.SignRecovery}, answered by
     * {@link #recoverySigned}), then recovered once the checkpoint at the recovery point
     * H = max(H_M, H_R) is stable ({@link Recovery}). The replica keeps taking part in the protocol
     * throughout, within what estimation allows. {@code nonce}: random, from the driver.
     */
    public void recover(long now, long nonce) {
        this.now = now;
        recovery.start(nonce);
    }

    /**
     * The co-processor signed the payload of {@link ReplicaAction.SignRecovery} with its counter
     * {@code counter} (made durable before it signed): the recovery request goes out with that
     * timestamp. Returns false if nothing was sent (no signature was asked for, or the counter is not
     * above this replica's last recovery request: a notice says so).
     */
    public boolean recoverySigned(long now, long counter, byte[] signature) {
        this.now = now;
        return recovery.signed(counter, signature);
    }

    /**
     * Before {@link #start}: the public keys of the replicas' co-processors (cluster.conf's signing
     * keys, index = replica id). A recovery request counts only with its replica's co-processor
     * signature (section 4.4); without these keys every recovery request is refused.
     */
    public void coProcessorKeys(byte[][] keys) { recovery.signers(keys); }

    /** The timestamp (co-processor counter) of replica {@code j}'s last executed recovery request in the replicated client table; -1 if none. */
    public long recoveryRequestTimestamp(int j) {
        if (j < 0 || j >= n) throw new IllegalArgumentException("replica " + j);
        CachedReply c = clients.get(j);
        return c == null ? -1 : c.timestamp();
    }

    /**
     * The driver is about to stop this replica (a watchdog reboot for proactive recovery, an
     * operator's restart). If it is the primary of an active view, it moves the group on first:
     * it leaves for the next view with a VIEW-CHANGE, which its backups take as the primary's own
     * suspicion of its view and join at once (section 6.3: "a primary multicasts a view-change
     * message just before its recovery starts and this causes the other replicas to move to the
     * next view immediately"), instead of waiting for their timers with clients unserved.
     * Returns whether it stepped down; a backup, or a replica already changing views, does nothing.
     */
    public boolean stepDown(long now) {
        this.now = now;
        if (!isPrimary() || !viewActive) return false;
        views.startViewChange(view + 1, "primary stepping down before it stops (a recovery reboots it; section 4.4)");
        steppedDown++;
        return true;
    }

    /** How long a recovery (ours or another replica's) may last before it is reported as slow (section 4.4). */
    public void recoveryAlertAfter(long ms) {
        if (ms < 1) throw new IllegalArgumentException("alert bound must be positive");
        recovery.alertAfterMs = ms;
    }

    /**
     * This replica refreshed the keys others use to send to it (section 4.1: a NEW-KEY every T_k).
     * Certificates not yet complete keep only our own votes: what others said under the old keys
     * comes again, by retransmission, under the new ones — so that no certificate mixes messages of
     * two key epochs, and messages an attacker forged with stolen old keys never complete one.
     */
    public void keysRefreshed(long now) {
        this.now = now;
        agreement.keysRefreshed();
        checkpoints.keysRefreshed();
        keyRefreshes++;
    }

    /** The actions accumulated since the last call, in order. */
    public List<ReplicaAction> ready() {
        withhold();
        return out.ready();
    }

    /** The notices recorded since the last call, oldest first (see {@link Notice}). */
    public List<Notice> drainNotices() {
        if (notices.isEmpty()) return List.of();
        List<Notice> l = List.copyOf(notices);
        notices.clear();
        return l;
    }

    void notice(Notice n) {
        if (notices.size() >= MAX_NOTICES) notices.pollFirst();
        notices.add(n);
    }

    /** Moves the accumulated actions to the end of {@code sink}. */
    public void drainTo(List<? super ReplicaAction> sink) {
        withhold();
        out.drainTo(sink);
    }

    /** Drops the messages estimation holds back (they go again by retransmission once allowed). */
    private void withhold() {
        if (estimation.limit() == Estimation.TRUSTED) return;
        out.list().removeIf(a -> {
            boolean drop = (a instanceof Action.Send s && estimation.withholds(s.message()))
                    || (a instanceof Action.Multicast m && estimation.withholds(m.message()));
            if (drop) estimation.withheld++;
            return drop;
        });
    }

    // ---- shared by the components ----

    /** Asks the driver to journal {@code e} before what follows is sent; nothing while replaying (it is on disk) or without a journal. */
    void persist(LogEntry e) {
        if (journaled && replay == null) out.add(new ReplicaAction.Persist(e));
    }

    /** After anything that may unblock work: execute, run deferred reads, send batches. */
    void afterProgress() {
        estimation.checkRecovered();
        recovery.check();
        agreement.executeCommitted();
        requests.runDeferredReads();
        requests.sendBatches();
    }

    /**
     * A normal-case message ({@code seq} in view {@code v}) may be acted on: our view, and inside
     * the water marks. Only called while the view is active (the mode is checked at dispatch).
     */
    boolean acceptable(long v, long seq) {
        if (v != view) { wrongView(v); return false; }
        if (seq <= h || seq > h + cfg.logSize()) {
            counters.ignore(Ignored.OUTSIDE_WATER_MARKS);
            if (seq > h + cfg.logSize()) retransmission.missingSomething();
            return false;
        }
        if (seq > lastExecuted + cfg.maxInFlightBatches() + 1) retransmission.missingSomething();
        return true;
    }

    /** A normal-case message for a view other than the one we are active in. */
    void wrongView(long v) {
        counters.ignore(Ignored.WRONG_VIEW);
        if (v > view) retransmission.missingSomething();
    }

    boolean fromReplica(int from, int claimed) {
        if (from < 0 || from >= n || from != claimed || from == id) { counters.ignore(Ignored.NOT_A_REPLICA); return false; }
        return true;
    }

    Reply reply(Request r, byte[] result, boolean readOnly) {
        boolean full = r.replier() == Request.ALL_REPLY || r.replier() == id;
        byte[] body = full ? result : MessageCodec.resultDigest(result).bytes();
        return new Reply(view, r.timestamp(), r.client(), id, readOnly, !full, body);
    }

    /** The reply to a request executed before a state transfer brought us here: only its digest is in the state. */
    Reply digestReply(Request r, Digest resultDigest) {
        return new Reply(view, r.timestamp(), r.client(), id, false, true, resultDigest.bytes());
    }

    int primary() { return cfg.primaryOf(view); }

    public boolean isPrimary() { return primary() == id; }

    // ---- observation (tests, metrics, the simulator's checks) ----

    public int id() { return id; }
    public long view() { return view; }
    public boolean viewActive() { return viewActive; }
    /** View changes this replica started (sent a VIEW-CHANGE for). */
    public long viewChangesStarted() { return views.started; }
    /** Times this replica, as primary, moved the group to the next view before it stopped ({@link #stepDown}). */
    public long stepDowns() { return steppedDown; }
    /** The view-change timeout now: the base doubled per consecutive view change that did not complete in time. */
    public long viewChangeTimeoutMs() { return timers.viewChangeTimeout(); }
    public long lowWaterMark() { return h; }
    public long stableSeq() { return checkpoints.stableSeq; }
    public long lastExecuted() { return lastExecuted; }
    public long knownStable() { return checkpoints.knownStable; }
    public Counters counters() { return counters; }
    /** Quarantines this replica imposed on clients (the big-MAC defence; each one an offence of f+1 complaints). */
    public long quarantinesImposed() { return quarantine.offencesRecorded; }
    /** AUTH-FAILUREs this replica sent (requests in a primary's pre-prepare that never authenticated here). */
    public long authFailuresSent() { return agreement.authFailuresSent; }
    /** Times f+1 AUTH-FAILUREs about a request in the current view made this replica suspect its primary (a vote for a view change). */
    public long authFailureSuspicions() { return requests.authFailureSuspicions; }

    /**
     * Times, as primary after a crash, this replica had requests to order in the view whose PRE-PREPAREs it may
     * have sent and lost, and withheld them ({@link LogEntry.VotesReserved}): the group's next view orders them.
     */
    public long proposalsWithheld() { return agreement.proposalsWithheld; }

    /** Pre-prepares this replica sent as primary naming large requests by digest, and the requests so named. */
    public long prePreparesByDigest() { return agreement.prePreparesByDigest; }

    public long requestsByDigest() { return agreement.requestsByDigest; }

    /**
     * Pre-prepares by digest that waited here for a named request (its client's copy came after the
     * pre-prepare, or not at all), and those of them completed by the whole batch instead: a body
     * fetched by digest, or the primary's whole pre-prepare (its answer to FETCH-BATCH, or a retransmission).
     */
    public long prePreparesAwaitedRequests() { return agreement.prePreparesAwaitedRequests; }

    public long prePreparesFetchedBody() { return agreement.prePreparesFetchedBody; }

    /** Pre-prepares by digest waiting here now for a named request. */
    public int prePreparesAwaitingRequests() { return agreement.awaitingRequestsCount(); }
    public int logSize() { return agreement.logSize(); }
    public int pendingRequests() { return requests.size(); }
    /** State transfers this replica completed, and the pages they fetched. */
    public long transfersCompleted() { return catchUp.transfersCompleted; }
    public long pagesTransferred() { return catchUp.pagesTransferred; }
    public boolean transferring() { return catchUp.transferring(); }
    public boolean corrupt() { return catchUp.corrupt; }
    public long keyRefreshes() { return keyRefreshes; }
    /** Estimating H_M, or holding back above it (section 4.4): this replica does not trust its log yet. */
    public boolean recovering() { return estimation.limit() != Estimation.TRUSTED || recovery.active(); }
    /** The recovery point H = max(H_M, H_R) of the recovery under way or last completed, -1 before it is known (section 4.4). */
    public long recoveryTarget() { return recovery.point(); }
    /**
     * Times (the driver's clock, ms) of the last recovery's phases: started, H_M estimated, recovery
     * request answered by 2f+1, recovered; Long.MIN_VALUE for a phase not reached.
     */
    public long[] recoveryPhases() { return recovery.phases.clone(); }
    /**
     * Recoveries of other replicas seen complete; recoveries (ours or others') reported slow; our
     * recovery requests refused as too soon; our own recoveries completed.
     */
    public long[] recoveryCounts() { return new long[] {recovery.peerRecoveries, recovery.slowRecoveries, recovery.refused, recovery.completed}; }
    /** H_M once estimated while recovering; -1 while estimating; Long.MAX_VALUE when not recovering. */
    public long recoveryPoint() { return estimation.limit(); }
    /** Estimations started, completed, recoveries finished (stable checkpoint at H_M), messages withheld. */
    public long[] estimationCounts() { return new long[] {estimation.estimations, estimation.completed, estimation.recovered, estimation.withheld}; }
    public ReplicatedState state() { return state; }

    /** This replica's checkpoint digest for {@code seq}, if it still holds it. */
    public Digest checkpointDigest(long seq) { return checkpoints.digest(seq); }
}
