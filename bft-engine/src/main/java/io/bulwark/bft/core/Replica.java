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
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.Reply;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.msg.Status;
import io.bulwark.bft.msg.ViewChange;
import io.bulwark.bft.msg.ViewChangeAck;
import io.bulwark.bft.msg.ViewChange.CheckpointRef;
import io.bulwark.bft.state.PartitionTree;
import io.bulwark.bft.state.ReplicatedState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The replica state machine (sections 4.2–4.5, 4.6.1): a pure core.
 * <p>
 * It takes one input at a time — an authenticated message ({@link #receive}), a timer
 * ({@link #timeout}), the end of an execution ({@link #executed}, {@link #executedReadOnly}) —
 * each with the current time as an argument, and accumulates {@link Action}s that the driver
 * collects with {@link #ready()}. No sockets, threads, clocks, randomness or files in here.
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
    private static final int MAX_DEFERRED_READS = 4096;
    /** The view-change timeout doubles with each consecutive view change, up to this many times. */
    private static final int MAX_BACKOFF_DOUBLINGS = 6;

    private final int id;
    private final ProtocolConfig cfg;
    private final int n;
    private final int f;
    private final Counters counters = new Counters();
    private final Outbox out = new Outbox();

    private long now;
    private long view;
    /** False from sending a VIEW-CHANGE for {@code view} until its NEW-VIEW is installed. */
    private boolean viewActive = true;
    /** Low water mark: sequence number of the checkpoint the log starts after. */
    private long h;
    private long lastExecuted;
    /** Highest sequence number known to be committed here. */
    private long maxCommitted;
    /**
     * Highest sequence number prepared here (in any view) that may still take effect: read-only
     * requests wait until it is executed (see {@link #readsMayRun}). Lowered only by a new view that
     * frees those numbers (rule B), never by the view change itself.
     */
    private long maxPrepared;
    /** Primary: the next sequence number to assign. */
    private long nextSeq = 1;
    /** The last agreed time executed; execution time never goes backwards. */
    private long agreedTime;
    /** Primary: the last time proposed. */
    private long proposedTime;
    /** Highest sequence number for which a certified (2f+1) checkpoint exists, even if not executed here. */
    private long knownStable;
    /** Sequence number of the latest checkpoint that became stable here (ls in VIEW-CHANGE). */
    private long stableSeq;

    /** Sequence number of the outstanding execution, or -1; {@code Long.MIN_VALUE} for a read-only one. */
    private long executing = -1;
    private List<Request> executingRequests = List.of();

    private final TreeMap<Long, Slot> log = new TreeMap<>();
    /** Executed batches with our commits, retained like the log but across views (see {@link Executed}). */
    private final TreeMap<Long, Executed> executedLog = new TreeMap<>();
    /** Commit certificates from earlier views for sequence numbers below the log that we have not executed. */
    private final TreeMap<Long, CatchUp> catchUp = new TreeMap<>();
    private final TreeMap<Long, CheckpointVotes> checkpoints = new TreeMap<>();
    /**
     * Requests waiting to be ordered, at most one per client, in arrival order: at the primary, the
     * ones to batch; at a backup, the ones it received from clients directly, which run its
     * view-change timer and which it proposes if it becomes primary.
     */
    private final LinkedHashMap<Integer, Request> pending = new LinkedHashMap<>();
    private int pendingBytes;
    /** Backup: when each client's pending request arrived, while it is not pre-prepared yet (arrival order). */
    private final LinkedHashMap<Integer, Long> awaitingOrder = new LinkedHashMap<>();
    private boolean orderingTimerArmed;
    /** Highest timestamp per client assigned a sequence number but not yet executed. */
    private final Map<Integer, Long> assigned = new HashMap<>();
    private final ClientTable clients;
    private final ArrayDeque<Request> deferredReads = new ArrayDeque<>();
    private final ReadOnlyFreshness readOnlyFreshness;

    // ---- view changes (section 4.5) ----
    private final PreparedSets sets;
    /** Batch bodies by digest that the PSet/QSet or a new view refer to (section 4.5: "stores the requests"). */
    private final Map<Digest, PrePrepare> bodies = new HashMap<>();
    /** Bodies asked for with FETCH-BATCH: digest to sequence number. */
    private final Map<Digest, Long> wanted = new HashMap<>();
    /** The round of the view we are changing to, or of the view last installed by a view change. */
    private ViewChangeRound round;
    /** Per replica, the view-change for the highest view it sent us (the f+1 rule of [6]). */
    private final ViewChange[] latestViewChange;
    /** Our own VIEW-CHANGE for {@code view} (null in view 0). */
    private ViewChange myViewChange;
    /** A NEW-VIEW for a view we have not joined yet (from that view's primary); used once we join it. */
    private NewView earlyNewView;
    private int consecutiveViewChanges;
    private boolean viewChangeTimerArmed;
    private long viewChangesStarted;
    private long lastStatusSent = Long.MIN_VALUE / 2;

    // ---- the big-MAC defence (see ClientQuarantine) ----
    private final ClientQuarantine quarantine;

    // ---- state (section 4.6.2) ----
    private final ReplicatedState state;
    private final PartitionTree tree;
    /** The fetch in progress, or null. While it runs nothing executes. */
    private StateTransfer transfer;
    /** The latest checkpoint above our execution whose digest f+1 replicas vouch for (or a new view started from). */
    private CheckpointRef target;
    /** Since when a target above our execution has been known (reset when execution reaches it). */
    private long behindSince = -1;
    private long lastProgressAt;
    private final FarCheckpoints far;
    private long transfersCompleted;
    private long pagesTransferred;
    /** Our state is known bad (a page failed its check, or 2f+1 others certified another digest): nothing executes until a transfer repairs it. */
    private boolean corrupt;
    /** The request timers were held back because we were {@link #behind()}; re-armed when we no longer are. */
    private boolean timersHeld;
    /**
     * Per replica, the view and the highest sequence number it prepared or committed in that view
     * above our window: f+1 of them in our view show that the group orders requests past our high
     * water mark, so we are behind (see {@link #behind()}).
     */
    private final long[] aheadView;
    private final long[] aheadSeq;
    /** FETCH-BATCHes answered per replica in this status period (see {@link #onFetchBatch}). */
    private final int[] fetchBatchAnswers;

    /** A replica with a small state of its own (tests of the protocol alone). */
    public Replica(int id, ProtocolConfig cfg) { this(id, cfg, new ReplicatedState(1, 64)); }

    public Replica(int id, ProtocolConfig cfg, ReplicatedState state) {
        this.aheadView = new long[cfg.n()];
        this.aheadSeq = new long[cfg.n()];
        this.fetchBatchAnswers = new int[cfg.n()];
        java.util.Arrays.fill(aheadView, -1);
        this.cfg = cfg;
        this.state = state;
        this.tree = state.tree();
        this.clients = new ClientTable(state.maxClients());
        // Authenticated clients only reach it (their keys are configured), and their number is what the table holds.
        this.readOnlyFreshness = new ReadOnlyFreshness(2 * Math.max(1, state.maxClients()));
        this.n = cfg.n();
        this.f = cfg.f();
        if (id < 0 || id >= n) throw new IllegalArgumentException("replica id " + id + " outside 0.." + (n - 1));
        this.id = id;
        this.sets = new PreparedSets(f);
        this.latestViewChange = new ViewChange[n];
        this.far = new FarCheckpoints(n);
        this.quarantine = new ClientQuarantine(n, f, ClientQuarantine.BASE_VIEW_CHANGE_TIMEOUTS * cfg.viewChangeTimeoutMs());
        // Every correct replica starts from the same initial state: the checkpoint at 0.
        CheckpointVotes genesis = votes(0);
        genesis.mine = new Checkpoint(0, GENESIS, id);
    }

    /** The digest that stands for the initial state, checkpoint 0, which every replica holds. */
    public static final Digest GENESIS = Digest.ZERO;

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
        if (lastExecuted != 0 || executing != -1 || !log.isEmpty()) throw new IllegalStateException("restore before anything else");
        if (!tree.holds(seq)) throw new IllegalArgumentException("checkpoint " + seq + " is not the tree's");
        if (seq == 0 && !damaged) return;   // the initial state
        checkpoints.clear();
        if (!damaged) agreedTime = clients.read(state.engine());   // a damaged table is read after the repair
        lastExecuted = seq;
        maxCommitted = seq;
        maxPrepared = seq;
        nextSeq = seq + 1;
        h = seq;
        stableSeq = seq;
        if (!damaged) {
            CheckpointVotes v = votes(seq);
            v.mine = new Checkpoint(seq, tree.digest(seq), id);
            v.byReplica[id] = v.mine.state();
        } else {
            corrupt = true;
            counters.ignore(Ignored.STATE_CORRUPT);
        }
    }

    /** Starts the replica's timers. */
    public void start(long now) {
        this.now = now;
        this.lastProgressAt = now;
        out.add(new Action.SetTimer(TimerKind.STATUS, now + cfg.statusIntervalMs()));
    }

    /** An authenticated message from principal {@code from}. */
    public void receive(long now, int from, Message m) { receive(now, from, m, null); }

    /**
     * An authenticated message from principal {@code from}; for a pre-prepare, {@code unverified}
     * marks the positions of the requests in its batch whose client authenticator entry did not
     * verify at this replica (null: all did). The frame layer computes it.
     */
    public void receive(long now, int from, Message m, BitSet unverified) {
        this.now = now;
        if (m instanceof Request r) onRequest(from, r);
        else if (m instanceof PrePrepare pp) onPrePrepare(from, pp, unverified);
        else if (m instanceof Prepare p) onPrepare(from, p);
        else if (m instanceof Commit c) onCommit(from, c);
        else if (m instanceof Checkpoint c) onCheckpoint(from, c);
        else if (m instanceof Status s) onStatus(from, s);
        else if (m instanceof ViewChange vc) onViewChange(from, vc);
        else if (m instanceof ViewChangeAck a) onViewChangeAck(from, a);
        else if (m instanceof NewView nv) onNewView(from, nv);
        else if (m instanceof FetchBatch fb) onFetchBatch(from, fb);
        else if (m instanceof Fetch fe) onFetch(from, fe);
        else if (m instanceof MetaData md) onMetaData(from, md);
        else if (m instanceof Data d) onData(from, d);
        else if (m instanceof AuthFailure af) onAuthFailure(from, af);
        else counters.ignore(Ignored.UNEXPECTED_MESSAGE);
        resumeTimersIfCaughtUp();
    }

    public void timeout(long now, TimerKind kind) {
        this.now = now;
        if (kind == TimerKind.STATUS) {
            lastStatusSent = now;
            java.util.Arrays.fill(fetchBatchAnswers, 0);
            out.add(new Action.Multicast(status()));
            for (var w : wanted.entrySet()) out.add(new Action.Multicast(new FetchBatch(id, w.getValue(), w.getKey())));
            out.add(new Action.SetTimer(TimerKind.STATUS, now + cfg.statusIntervalMs()));
            if (transfer != null) transfer.tick(out.list());
            maybeTransfer();
        } else if (kind == TimerKind.ORDERING && orderingTimerArmed) {
            orderingTimerArmed = false;
            Long oldest = oldestAwaitingOrder();
            if (behind()) timersHeld = true;
            else if (oldest != null && viewActive && !isPrimary() && now - oldest >= orderingDeadline()) startViewChange(view + 1);
            else armOrderingTimer();
        } else if (kind == TimerKind.VIEW_CHANGE && viewChangeTimerArmed) {
            viewChangeTimerArmed = false;
            // [6]: the primary is suspected (a request waited too long), or the new view did not come
            // in time. A request timer that ran out while we were behind says nothing about the primary,
            // nor one whose wait ended without a reset (a primary's null batches execute with no results).
            if (viewActive && behind()) timersHeld = true;
            else if (!viewActive || waitingForExecution()) startViewChange(view + 1);
        }
        resumeTimersIfCaughtUp();
    }

    /**
     * The driver finished {@link Action.Execute} for {@code seq}: one result per request. When the
     * action asked for a checkpoint, the core takes it (the client table goes into the state first).
     */
    public void executed(long now, long seq, List<byte[]> results) {
        this.now = now;
        if (seq != executing || results.size() != executingRequests.size())
            throw new IllegalStateException("executed(" + seq + ") does not match the outstanding execution " + executing);
        for (int i = 0; i < results.size(); i++) {
            Request r = executingRequests.get(i);
            byte[] result = results.get(i);
            clients.put(r.client(), r.timestamp(), result);
            Long a = assigned.get(r.client());
            if (a != null && a <= r.timestamp()) assigned.remove(r.client());
            Request p = pending.get(r.client());
            if (p != null && p.timestamp() <= r.timestamp()) {
                removePending(r.client());
                awaitingOrder.remove(r.client());
            }
            out.add(new Action.Send(r.client(), reply(r, result, false)));
        }
        executing = -1;
        executingRequests = List.of();
        lastExecuted = seq;
        lastProgressAt = now;
        if (!results.isEmpty() && viewActive) {
            // Progress in this view: the timeout goes back to its base, and the timer restarts for
            // the requests still waiting ([6]).
            consecutiveViewChanges = 0;
            if (viewChangeTimerArmed) disarmViewChangeTimer();
            armRequestTimer();
        }
        if (seq % cfg.checkpointInterval() == 0) {
            clients.write(state.engine(), agreedTime);
            takeCheckpoint(seq, tree.checkpoint(seq));
        }
        if (target != null && target.seq() <= lastExecuted) maybeTransfer();   // caught up by executing
        afterProgress();
        resumeTimersIfCaughtUp();
    }

    /** The driver finished {@link Action.ExecuteReadOnly}. */
    public void executedReadOnly(long now, Request request, byte[] result) {
        this.now = now;
        if (executing != Long.MIN_VALUE) throw new IllegalStateException("no read-only execution outstanding");
        executing = -1;
        out.add(new Action.Send(request.client(), reply(request, result, true)));
        afterProgress();
    }

    /**
     * The driver could not finish the outstanding execution ({@link Action.Execute} or
     * {@link Action.ExecuteReadOnly}): the service failed in a way that is this replica's own fault —
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
        if (executing == -1) throw new IllegalStateException("no execution outstanding");
        boolean ordered = executing != Long.MIN_VALUE;
        executing = -1;
        executingRequests = List.of();
        if (ordered) markCorrupt();
        afterProgress();
    }

    /** The actions accumulated since the last call, in order. */
    public List<Action> ready() { return out.ready(); }

    /** Moves the accumulated actions to the end of {@code sink}. */
    public void drainTo(List<Action> sink) { out.drainTo(sink); }

    // ---- requests (section 4.2) ----

    private void onRequest(int from, Request r) {
        if (from != r.client() && !(from >= 0 && from < n)) { counters.ignore(Ignored.UNEXPECTED_MESSAGE); return; }
        if (r.client() < n) { counters.ignore(Ignored.UNEXPECTED_MESSAGE); return; }
        if (r.operation().length > cfg.maxOperationBytes()) { counters.ignore(Ignored.OVERSIZED_REQUEST); return; }
        CachedReply c = clients.get(r.client());
        if (r.readOnly()) {
            // A replayed read-only request would cost an execution and n replies each time (issue 20).
            if ((c != null && r.timestamp() <= c.timestamp()) || !readOnlyFreshness.take(r.client(), r.timestamp())) {
                counters.ignore(Ignored.READ_ONLY_REPLAY);
                return;
            }
            onReadOnly(r);
            return;
        }
        if (c != null && r.timestamp() < c.timestamp()) { counters.ignore(Ignored.OLD_REQUEST); return; }
        if (c != null && r.timestamp() == c.timestamp()) {
            // A retransmission of an executed request: the reply was lost (section 4.2).
            out.add(new Action.Send(r.client(), c.result() != null ? reply(r, c.result(), false) : digestReply(r, c.digest())));
            return;
        }
        if (quarantine.quarantined(r.client(), primary(), now)) { counters.ignore(Ignored.CLIENT_QUARANTINED); return; }
        Long a = assigned.get(r.client());
        if (a != null && a >= r.timestamp()) {
            // Ordered, not yet executed here, and its client still has no certified reply. A backup
            // that saw the request only inside the pre-prepare holds it now, so that the view-change
            // timer runs ([6]: waiting for a request to execute): an equivocating primary can leave the
            // slot uncommittable here (sim seed 3388: the one other correct replica left alone).
            if (!isPrimary() && from == r.client() && a == r.timestamp() && viewActive && !pending.containsKey(r.client())) {
                pending.put(r.client(), r);
                pendingBytes += r.operation().length;
                armRequestTimer();
            }
            counters.ignore(Ignored.DUPLICATE_REQUEST);
            return;
        }
        Request p = pending.get(r.client());
        if (p != null && p.timestamp() >= r.timestamp()) {
            if (from == r.client() && p.timestamp() == r.timestamp()) {
                // The client's own latest copy replaces the one we hold: a copy whose authenticator was
                // damaged for other replicas (in flight, or relayed by a faulty replica) must not stick.
                pending.put(r.client(), r);
                pendingBytes += r.operation().length - p.operation().length;
            }
            // A client's retransmission: the primary may have missed it, so a backup relays it.
            if (!isPrimary() && from == r.client() && viewActive) out.add(new Action.Send(primary(), r));
            counters.ignore(Ignored.DUPLICATE_REQUEST);
            return;
        }
        if (isPrimary()) {
            if (p != null) removePending(r.client());
            pending.put(r.client(), r);
            pendingBytes += r.operation().length;
            sendBatches();
        } else if (from == r.client()) {
            // A backup keeps a client's request: it runs the view-change and ordering timers, and the
            // backup proposes it if it becomes primary. The client sent it to the primary as well.
            if (p != null) removePending(r.client());
            pending.put(r.client(), r);
            pendingBytes += r.operation().length;
            awaitingOrder.remove(r.client());
            awaitingOrder.put(r.client(), now);
            if (viewActive) {
                armRequestTimer();
                armOrderingTimer();
            }
        }
    }

    private void onReadOnly(Request r) {
        if (!readsMayRun()) {
            if (deferredReads.size() >= MAX_DEFERRED_READS) { counters.ignore(Ignored.READ_ONLY_QUEUE_FULL); return; }
            deferredReads.add(r);
            return;
        }
        executing = Long.MIN_VALUE;
        out.add(new Action.ExecuteReadOnly(r));
    }

    /**
     * Whether a read-only request may execute now: nothing is executing, this replica is not
     * fetching or repairing its state, and it has executed everything it has prepared.
     * <p>
     * The last condition is what makes reads linearizable with f+1-reply writes (issue 17; the
     * paper pairs read-only requests with tentative execution, where writes need 2f+1 replies too).
     * A write W that completed has f+1 matching replies, one from a correct replica that executed
     * W, so W committed there: 2f+1 replicas sent COMMIT, at least f+1 of them correct, and each
     * of those prepared W before W's reply was sent. A read invoked after W completed gets 2f+1
     * matching replies, at least f+1 from correct replicas; among the 2f+1 correct replicas, two
     * groups of f+1 share at least one, which prepared W before the read arrived and so answers
     * only after executing W. So the state before W never gathers 2f+1 matching replies. A new
     * view keeps W's number (rule A: W prepared at f+1 correct replicas), so lowering
     * {@code maxPrepared} to the new view's decision in {@link #install} keeps the argument.
     */
    private boolean readsMayRun() {
        return executing == -1 && maxCommitted <= lastExecuted && maxPrepared <= lastExecuted && transfer == null && !corrupt;
    }

    private Reply reply(Request r, byte[] result, boolean readOnly) {
        boolean full = r.replier() == Request.ALL_REPLY || r.replier() == id;
        byte[] body = full ? result : MessageCodec.resultDigest(result).bytes();
        return new Reply(view, r.timestamp(), r.client(), id, readOnly, !full, body);
    }

    /** The reply to a request executed before a state transfer brought us here: only its digest is in the state. */
    private Reply digestReply(Request r, Digest resultDigest) {
        return new Reply(view, r.timestamp(), r.client(), id, false, true, resultDigest.bytes());
    }

    /** Primary: assign sequence numbers to pending requests while the pipeline has room (batching). */
    private void sendBatches() {
        if (!viewActive || !isPrimary()) return;
        while (!pending.isEmpty() && nextSeq - 1 - lastExecuted < cfg.maxInFlightBatches() && nextSeq <= h + cfg.logSize()) {
            List<Request> batch = new ArrayList<>(Math.min(pending.size(), cfg.maxBatchRequests()));
            int bytes = 0;
            Iterator<Request> it = pending.values().iterator();
            while (it.hasNext() && batch.size() < cfg.maxBatchRequests()) {
                Request r = it.next();
                int len = r.operation().length;
                Long a = assigned.get(r.client());
                if (a != null && a >= r.timestamp()) {   // already ordered (e.g. by a new view's decision)
                    it.remove();
                    pendingBytes -= len;
                    continue;
                }
                if (!batch.isEmpty() && bytes + len > cfg.maxBatchBytes()) break;
                batch.add(r);
                bytes += len;
                it.remove();
                pendingBytes -= len;
                assigned.put(r.client(), r.timestamp());
            }
            if (batch.isEmpty()) continue;
            proposedTime = Math.max(proposedTime, now);
            byte[] nonDet = NonDet.encodeTime(proposedTime);
            Digest d = MessageCodec.batchDigest(batch, nonDet);
            PrePrepare pp = new PrePrepare(view, nextSeq, d, nonDet, List.copyOf(batch));
            Slot s = slot(nextSeq);
            s.digest = d;
            s.prePrepare = pp;
            nextSeq++;
            out.add(new Action.Multicast(pp));
            armRequestTimer();
            checkPrepared(s);
        }
    }

    private void removePending(int client) {
        Request old = pending.remove(client);
        if (old != null) pendingBytes -= old.operation().length;
    }

    // ---- three-phase agreement (section 4.2) ----

    private void onPrePrepare(int from, PrePrepare pp, BitSet unverified) {
        if (pp.view() != view || from != primary() || !viewActive) {
            // Not a proposal we can act on; it may still carry a batch body we asked for.
            if (!offerBody(pp)) counters.ignore(pp.view() != view || !viewActive ? Ignored.WRONG_VIEW : Ignored.NOT_FROM_PRIMARY);
            return;
        }
        if (!acceptable(pp.view(), pp.seq())) return;
        if (isPrimary()) { counters.ignore(Ignored.NOT_FROM_PRIMARY); return; }
        Slot s = slot(pp.seq());
        if (s.digest != null) {
            if (!s.digest.equals(pp.digest())) counters.ignore(Ignored.CONFLICTING_PRE_PREPARE);
            else if (s.prePrepare == null) offerBody(pp);   // the body of a batch a new view selected
            return;
        }
        if (pp.seq() <= lastExecuted && !sameAsExecuted(pp.seq(), pp.digest())) {
            // A correct primary never proposes a fresh batch at a number we executed (a new view
            // keeps every number where something may have committed; issue 18).
            counters.ignore(Ignored.BELOW_EXECUTED);
            return;
        }
        if (!validBatch(pp)) return;
        if (!timely(pp) && s.preparesFor(pp.digest(), primary(), id) < f + 1) {
            // Section 3 / [6]: backups check the primary's non-deterministic choice, but only a fresh
            // proposal can be held to our clock. A pre-prepare retransmitted long after it was proposed
            // (STATUS, to a replica that was cut off) carries its old time: it waits in its slot until
            // f+1 other backups prepare it — one of them is correct and checked the time when it was fresh.
            counters.ignore(Ignored.CLOCK_SKEW);
            s.parked = pp;
            return;
        }
        if (unverified != null && !unverified.isEmpty() && !authenticatedHere(s, pp, unverified)) return;
        acceptPrePrepare(s, pp);
    }

    /** The primary's proposed time is within the allowed skew of our clock. */
    private boolean timely(PrePrepare pp) {
        return Math.abs(NonDet.decodeTime(pp.nonDet()) - now) <= cfg.maxClockSkewMs();
    }

    private void acceptPrePrepare(Slot s, PrePrepare pp) {
        s.parked = null;
        s.digest = pp.digest();
        s.prePrepare = pp;
        for (Request r : pp.batch()) ordered(r);
        s.myPrepare = new Prepare(view, pp.seq(), pp.digest(), id);
        s.prepares[id] = pp.digest();
        out.add(new Action.Multicast(s.myPrepare));
        checkPrepared(s);
    }

    /**
     * A request in the primary's pre-prepare whose authenticator entry for us does not verify (the
     * frame layer marks it; Aardvark's big-MAC client sends such) is authentic all the same if we
     * hold the same request as its client sent it to us (checked on arrival), and harmless if we have
     * executed that client's timestamp already (it will be skipped). Otherwise the pre-prepare waits
     * in its slot until f+1 other backups prepare it — at least one of them is correct and
     * authenticated every request in it — and we tell every replica whose request failed here
     * (AUTH-FAILURE), which counts towards quarantining that client under this primary
     * ({@link ClientQuarantine}).
     *
     * @return whether every request is authenticated here (or vouched for already)
     */
    private boolean authenticatedHere(Slot s, PrePrepare pp, BitSet unverified) {
        boolean all = true;
        for (int i = unverified.nextSetBit(0); i >= 0 && i < pp.batch().size(); i = unverified.nextSetBit(i + 1)) {
            Request r = pp.batch().get(i);
            if (sameRequest(pending.get(r.client()), r)) continue;
            CachedReply c = clients.get(r.client());
            if (c != null && c.timestamp() >= r.timestamp()) continue;
            all = false;
            out.add(new Action.Multicast(new AuthFailure(id, view, pp.seq(), r.client(), r.timestamp())));
            complaint(id, view, r.client());
        }
        if (all) return true;
        counters.ignore(Ignored.UNAUTHENTICATED_REQUEST);
        if (s.preparesFor(pp.digest(), primary(), id) >= f + 1) return true;
        s.parked = pp;
        return false;
    }

    /** The same request (every field the client authenticates), whatever the authenticators. */
    private static boolean sameRequest(Request a, Request b) {
        return a != null && a.client() == b.client() && a.timestamp() == b.timestamp() && a.readOnly() == b.readOnly()
                && a.replier() == b.replier() && Arrays.equals(a.operation(), b.operation());
    }

    /** AUTH-FAILURE from another replica, about the current view or the one before. */
    private void onAuthFailure(int from, AuthFailure af) {
        if (!fromReplica(from, af.replica())) return;
        if (af.view() > view || af.view() < view - 1) { counters.ignore(Ignored.WRONG_VIEW); return; }
        if (af.client() < n) { counters.ignore(Ignored.UNEXPECTED_MESSAGE); return; }
        complaint(from, af.view(), af.client());
    }

    /**
     * Replica {@code from} could not authenticate {@code client}'s request in a pre-prepare of view
     * {@code v}. The primary of {@code v} never counts (it checked its own entry); f+1 others make
     * the client quarantined under that primary, and if that is the current one, its request held
     * here goes (so it runs no timer against a primary that will not order it).
     */
    private void complaint(int from, long v, int client) {
        int p = cfg.primaryOf(v);
        if (from == p || !quarantine.complaint(v, p, from, client, now)) return;
        if (p != primary()) return;
        dropQuarantined();
        // The pre-prepare that carried the request will most likely never prepare (f+1 replicas,
        // one of them correct, will not prepare it on their own), and the batches after it cannot
        // execute before it: rather than wait for the ordering deadline, leave the view now. Every
        // correct replica that counts the same f+1 AUTH-FAILUREs does the same.
        if (v == view && viewActive) startViewChange(view + 1);
    }

    /** Drops the held requests of clients quarantined under the current primary. */
    private void dropQuarantined() {
        if (!quarantine.anyUnder(primary(), now)) return;
        for (Iterator<Map.Entry<Integer, Request>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, Request> e = it.next();
            if (!quarantine.quarantined(e.getKey(), primary(), now)) continue;
            pendingBytes -= e.getValue().operation().length;
            awaitingOrder.remove(e.getKey());
            it.remove();
        }
        // Nothing left to wait for: the view-change timer was running for these requests only.
        if (!waitingForExecution() && viewActive && viewChangeTimerArmed) disarmViewChangeTimer();
    }

    private boolean validBatch(PrePrepare pp) {
        List<Request> batch = pp.batch();
        if (batch.isEmpty() || batch.size() > cfg.maxBatchRequests()) { counters.ignore(Ignored.BAD_BATCH); return false; }
        long bytes = 0;
        for (Request r : batch) {
            if (r.readOnly()) { counters.ignore(Ignored.READ_ONLY_IN_BATCH); return false; }
            if (r.client() < n) { counters.ignore(Ignored.BAD_BATCH); return false; }
            bytes += r.operation().length;
        }
        if (bytes > cfg.maxBatchBytes() + cfg.maxOperationBytes()) { counters.ignore(Ignored.BAD_BATCH); return false; }
        if (!NonDet.isTime(pp.nonDet())) { counters.ignore(Ignored.BAD_BATCH); return false; }
        if (!MessageCodec.batchDigest(batch, pp.nonDet()).equals(pp.digest())) { counters.ignore(Ignored.BAD_BATCH_DIGEST); return false; }
        return true;
    }

    private void onPrepare(int from, Prepare p) {
        if (!fromReplica(from, p.replica())) return;
        noteAhead(from, p.view(), p.seq());
        if (!acceptable(p.view(), p.seq())) return;
        if (from == primary()) { counters.ignore(Ignored.NOT_FROM_PRIMARY); return; }
        Slot s = slot(p.seq());
        if (s.prepares[from] == null) s.prepares[from] = p.digest();
        // A pre-prepare with a request we could not authenticate: f+1 other backups vouch for it.
        if (s.digest == null && s.parked != null && s.preparesFor(s.parked.digest(), primary(), id) >= f + 1) acceptPrePrepare(s, s.parked);
        checkPrepared(s);
    }

    private void onCommit(int from, Commit c) {
        if (!fromReplica(from, c.replica())) return;
        if (c.seq() > lastExecuted && c.seq() <= h && c.view() < view) { onCatchUpCommit(from, c); return; }
        noteAhead(from, c.view(), c.seq());
        if (!acceptable(c.view(), c.seq())) return;
        Slot s = slot(c.seq());
        if (s.commits[from] == null) s.commits[from] = c.digest();
        checkCommitted(s);
    }

    /** Prepared: pre-prepared and 2f matching prepares from different backups. */
    private void checkPrepared(Slot s) {
        if (s.prepared || s.digest == null || s.matchingPrepares(primary()) < 2 * f) return;
        s.prepared = true;
        maxPrepared = Math.max(maxPrepared, s.seq);
        s.myCommit = new Commit(view, s.seq, s.digest, id);
        s.commits[id] = s.digest;
        out.add(new Action.Multicast(s.myCommit));
        checkCommitted(s);
    }

    /** Committed: prepared and 2f+1 matching commits (including our own). */
    private void checkCommitted(Slot s) {
        if (s.committed || !s.prepared || s.matchingCommits() < cfg.quorum()) return;
        s.committed = true;
        maxCommitted = Math.max(maxCommitted, s.seq);
        executeCommitted();
    }

    /** Executes committed batches in sequence order, one outstanding execution at a time. */
    private void executeCommitted() {
        if (executing != -1 || transfer != null || corrupt) return;
        long seq = lastExecuted + 1;
        Slot s = log.get(seq);
        PrePrepare body;
        Commit commit;
        if (s != null && s.committed) {
            Executed before = executedLog.get(seq);
            if (before != null && !before.body().digest().equals(s.digest)) {
                // Re-executing after a rollback, a batch other than the one our own commit certified
                // here: executing it would diverge; our state is repaired by transfer instead.
                counters.ignore(Ignored.EXECUTION_CONFLICT);
                markCorrupt();
                return;
            }
            if (s.prePrepare == null) {   // committed by digest; the body comes later
                PrePrepare b = bodies.get(s.digest);
                if (b == null) { wantBody(s.seq, s.digest); return; }
                s.takeBody(view, b);
            }
            body = s.prePrepare;
            commit = s.myCommit;
        } else if (executedLog.containsKey(seq)) {
            // Executed here before a repair rolled the state back to an earlier checkpoint: our own
            // commit certificate stands, so the batch runs again.
            Executed e = executedLog.get(seq);
            body = e.body();
            commit = e.commit();
        } else {
            CatchUp c = seq <= h ? catchUp.get(seq) : null;
            if (c == null || c.certified == null) return;
            if (c.body == null) c.body = bodies.get(c.certified);
            if (c.body == null) { wantBody(seq, c.certified); return; }
            body = c.body;
            commit = null;
            catchUp.remove(seq);
        }
        if (commit != null) executedLog.put(seq, new Executed(body, commit));
        List<Request> batch = body.batch();
        List<Request> run = new ArrayList<>(batch.size());
        Map<Integer, Long> seen = null;
        for (Request r : batch) {
            CachedReply c = clients.get(r.client());
            if (c != null && c.timestamp() >= r.timestamp()) continue;   // exactly once
            if (!clients.admits(r.client())) { counters.ignore(Ignored.CLIENT_TABLE_FULL); continue; }
            if (seen == null) seen = new HashMap<>();
            Long prior = seen.get(r.client());
            if (prior != null && prior >= r.timestamp()) continue;
            seen.put(r.client(), r.timestamp());
            run.add(r);
        }
        agreedTime = Math.max(agreedTime, NonDet.decodeTime(body.nonDet()));
        executing = seq;
        executingRequests = run;
        out.add(new Action.Execute(seq, NonDet.encodeTime(agreedTime), run, seq % cfg.checkpointInterval() == 0));
    }

    private void afterProgress() {
        executeCommitted();
        while (readsMayRun() && !deferredReads.isEmpty()) {
            onReadOnly(deferredReads.poll());
        }
        sendBatches();
    }

    // ---- checkpoints and garbage collection (section 4.3) ----

    private void takeCheckpoint(long seq, Digest d) {
        CheckpointVotes v = votes(seq);
        v.mine = new Checkpoint(seq, d, id);
        v.byReplica[id] = d;
        out.add(new Action.Multicast(v.mine));
        checkStable(v);
    }

    private void onCheckpoint(int from, Checkpoint c) {
        if (!fromReplica(from, c.replica())) return;
        if (c.seq() <= stableSeq) return;   // old news
        if (c.seq() % cfg.checkpointInterval() != 0) { counters.ignore(Ignored.CHECKPOINT_TOO_FAR); return; }
        if (c.seq() > Math.max(h, stableSeq) + 2L * cfg.logSize()) {
            // Far beyond our log (we were cut off): no votes kept, but a bounded record of the latest
            // ones, so f+1 matching reports give a checkpoint to fetch.
            far.record(from, c.seq(), c.state());
            CheckpointRef best = far.best(lastExecuted, f + 1);
            if (best != null) offerTarget(best.seq(), best.digest());
            return;
        }
        CheckpointVotes v = votes(c.seq());
        if (v.byReplica[from] == null) v.byReplica[from] = c.state();
        checkStable(v);
    }

    private void checkStable(CheckpointVotes v) {
        if (corrupt) {
            // A later checkpoint to roll back to (the one we aimed at may be gone: the others
            // garbage-collect it once a later one is stable — sim seed 2293, f=2).
            rollbackTarget();
            maybeTransfer();
        }
        if (v.mine == null && v.seq > lastExecuted) {
            // f+1 matching digests: at least one correct replica has this state, so it may be fetched.
            Digest known = v.certified(f + 1);
            if (known != null) offerTarget(v.seq, known);
        }
        Digest certified = v.certified(cfg.quorum());
        if (certified == null) return;
        knownStable = Math.max(knownStable, v.seq);
        if (v.mine == null) return;   // not executed here yet: behind (see maybeTransfer)
        if (!v.mine.state().equals(certified)) {
            // Our state diverged from 2f+1 others (memory corruption, a bug): stop executing, and
            // fetch a correct state; the digests find the pages that differ (section 4.6.2).
            counters.ignore(Ignored.CHECKPOINT_MISMATCH);
            markCorrupt();
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
    private void makeStable(long seq) {
        if (seq <= stableSeq) return;
        stableSeq = seq;
        checkpoints.headMap(seq, false).clear();
        far.truncate(seq);
        // The logical copies of earlier checkpoints go (section 4.6.2); mid-transfer there are none.
        if (transfer == null) tree.discardBefore(seq);
        if (seq <= h) return;
        long previous = h;
        h = seq;
        log.headMap(previous, true).clear();
        executedLog.headMap(previous, true).clear();
        catchUp.headMap(lastExecuted, true).clear();
        sets.truncate(h);
        bodies.values().removeIf(pp -> pp.seq() <= h);
        wanted.values().removeIf(w -> w <= h);
        sendBatches();
    }

    // ---- view changes (section 4.5) ----

    /** Leaves the current view for {@code newView}: VIEW-CHANGE with C, P and Q (Figure 2). */
    private void startViewChange(long newView) {
        if (newView <= view) return;
        viewChangesStarted++;
        // ls: our stable checkpoint, or the checkpoint the current view started from (known correct:
        // f+1 replicas vouched for it). Entries at or below it are not reported.
        long ls = Math.max(h, stableSeq);
        // ls may be above h (a state transfer took us past the checkpoint the view started from).
        if (viewActive) sets.leaveView(view, ls, ls + cfg.logSize(), log);
        else consecutiveViewChanges++;   // the previous view change did not complete in time
        sets.truncate(ls);
        // Keep the bodies of what the sets refer to; the log of the old view goes.
        Set<Digest> keep = sets.referenced();
        for (Slot s : log.values()) {
            if (s.prePrepare != null && keep.contains(s.digest)) bodies.put(s.digest, s.prePrepare);
            // Our own commits for what we have not executed count toward catching up if the new view
            // starts above them (and a batch committed here is certified already).
            if (s.myCommit != null && s.seq > lastExecuted) {
                CatchUp u = catchUp.computeIfAbsent(s.seq, k -> new CatchUp(k, n, cfg.quorum()));
                if (s.committed) u.certify(s.digest, s.prePrepare);
                else u.add(id, s.myCommit);
                if (s.prePrepare != null && s.digest.equals(u.certified)) u.body = s.prePrepare;
            }
        }
        bodies.keySet().retainAll(keep);
        wanted.clear();
        log.clear();
        assigned.clear();
        awaitingOrder.clear();
        orderingTimerArmed = false;
        maxCommitted = Math.min(maxCommitted, lastExecuted);
        view = newView;
        viewActive = false;
        disarmViewChangeTimer();
        round = new ViewChangeRound(view, n, primary());
        List<ViewChange.CheckpointRef> held = new ArrayList<>();
        for (CheckpointVotes v : checkpoints.values()) if (v.mine != null) held.add(new ViewChange.CheckpointRef(v.seq, v.mine.state()));
        myViewChange = new ViewChange(view, id, ls, List.copyOf(held), sets.prepared(), sets.prePrepared());
        latestViewChange[id] = myViewChange;
        round.receive(myViewChange);
        out.add(new Action.Multicast(myViewChange));
        // View-changes for this view that arrived before we joined it count now.
        for (int j = 0; j < n; j++) {
            ViewChange vc = latestViewChange[j];
            if (j != id && vc != null && vc.view() == view) acceptViewChange(vc);
        }
        NewView early = earlyNewView;
        earlyNewView = null;
        if (early != null && early.view() == view) onNewView(primary(), early);
        progressViewChange();
    }

    private void onViewChange(int from, ViewChange vc) {
        if (from < 0 || from >= n || from == id) { counters.ignore(Ignored.NOT_A_REPLICA); return; }
        if (!wellFormed(vc)) { counters.ignore(Ignored.BAD_VIEW_CHANGE); return; }
        if (from != vc.replica()) {
            // A copy the new primary forwards (its author may be uncooperative): usable with f acks.
            if (vc.view() == view && !viewActive && from == primary()) {
                round.receiveForwarded(vc);
                progressViewChange();
            } else {
                counters.ignore(Ignored.BAD_VIEW_CHANGE);
            }
            return;
        }
        ViewChange prior = latestViewChange[from];
        if (prior == null || vc.view() > prior.view()) latestViewChange[from] = vc;
        if (vc.view() == view && !viewActive) {
            acceptViewChange(vc);
            progressViewChange();
        } else if (vc.view() > view) {
            joinIfFPlusOneAhead();
        }
    }

    /** Sanity of a view-change's contents: entries within its sender's window, sizes bounded. */
    private boolean wellFormed(ViewChange vc) {
        if (vc.view() <= 0 || vc.replica() < 0 || vc.replica() >= n) return false;
        long lo = vc.stableSeq(), hi = vc.stableSeq() + cfg.logSize();
        if (vc.checkpoints().size() > cfg.logSize() / cfg.checkpointInterval() + 2) return false;
        for (ViewChange.PreparedEntry e : vc.prepared()) if (e.seq() <= lo || e.seq() > hi || e.view() >= vc.view()) return false;
        for (ViewChange.PrePreparedEntry e : vc.prePrepared()) {
            if (e.seq() <= lo || e.seq() > hi || e.entries().isEmpty() || e.entries().size() > f + 2) return false;
            for (ViewChange.DigestView dv : e.entries()) if (dv.view() >= vc.view()) return false;
        }
        return vc.prepared().size() <= cfg.logSize() && vc.prePrepared().size() <= cfg.logSize();
    }

    /** A view-change for the view we are changing to, from its author: record it and acknowledge it to the new primary. */
    private void acceptViewChange(ViewChange vc) {
        if (!round.receive(vc)) return;
        if (!isPrimary()) out.add(new Action.Send(primary(), new ViewChangeAck(view, id, vc.replica(), round.receivedDigest(vc.replica()))));
    }

    /** [6]: f+1 replicas are in higher views, so at least one correct one is: join the smallest view they vouch for. */
    private void joinIfFPlusOneAhead() {
        long[] ahead = new long[n];
        int k = 0;
        for (ViewChange vc : latestViewChange) if (vc != null && vc.view() > view) ahead[k++] = vc.view();
        if (k < f + 1) return;
        java.util.Arrays.sort(ahead, 0, k);
        startViewChange(ahead[k - (f + 1)]);
    }

    private void onViewChangeAck(int from, ViewChangeAck a) {
        if (!fromReplica(from, a.replica())) return;
        if (a.view() != view || viewActive || a.viewChangeSender() < 0 || a.viewChangeSender() >= n) {
            counters.ignore(Ignored.WRONG_VIEW);
            return;
        }
        round.ack(from, a.viewChangeSender(), a.viewChangeDigest());
        progressViewChange();
    }

    private void onNewView(int from, NewView nv) {
        if (nv.view() > view && from == cfg.primaryOf(nv.view())) {
            // It may arrive before the view-changes that make us join that view: keep the latest.
            if (earlyNewView == null || nv.view() > earlyNewView.view()) earlyNewView = nv;
            return;
        }
        if (nv.view() != view || viewActive) { counters.ignore(Ignored.WRONG_VIEW); return; }
        if (from != primary() || isPrimary()) { counters.ignore(Ignored.NOT_FROM_PRIMARY); return; }
        if (round.newView != null) return;   // the first one counts
        if (nv.viewChanges().size() < cfg.quorum() || nv.viewChanges().size() > n) { counters.ignore(Ignored.BAD_NEW_VIEW); return; }
        boolean[] seen = new boolean[n];
        for (NewView.ViewChangeRef ref : nv.viewChanges()) {
            if (ref.replica() < 0 || ref.replica() >= n || seen[ref.replica()]) { counters.ignore(Ignored.BAD_NEW_VIEW); return; }
            seen[ref.replica()] = true;
        }
        round.newView = nv;
        progressViewChange();
    }

    /** Runs whatever the view change can do with the information at hand (section 4.5). */
    private void progressViewChange() {
        if (viewActive || round == null) return;
        if (!viewChangeTimerArmed && round.receivedCount() >= cfg.quorum()) {
            // [6]: with 2f+1 view-changes in, the new view has this long to start.
            armViewChangeTimer();
        }
        if (isPrimary()) {
            round.admit(f);
            List<ViewChange> s = round.s();
            if (s.size() < cfg.quorum()) return;
            NewViewDecision.Outcome o = new NewViewDecision(s, f, cfg.logSize()).decide(this::haveBody);
            if (!o.decided()) {
                for (var m : o.missingBodies().entrySet()) wantBody(m.getKey(), m.getValue());
                return;
            }
            List<NewView.ViewChangeRef> refs = new ArrayList<>();
            for (ViewChange vc : s) refs.add(new NewView.ViewChangeRef(vc.replica(), round.receivedDigest(vc.replica())));
            NewView nv = new NewView(view, List.copyOf(refs), o.start().seq(), o.start().digest(), o.selected());
            if (contradictsExecution(nv)) {
                counters.ignore(Ignored.BELOW_EXECUTED);
                startViewChange(view + 1);
                return;
            }
            round.newView = nv;
            out.add(new Action.Multicast(nv));
            install(nv);
        } else if (round.newView != null) {
            NewView nv = round.newView;
            List<ViewChange> s = new ArrayList<>();
            for (NewView.ViewChangeRef ref : nv.viewChanges()) {
                ViewChange vc = round.lookup(ref.replica(), ref.digest(), f);
                if (vc == null) return;   // wait: STATUS gets it retransmitted
                s.add(vc);
            }
            if (!new NewViewDecision(s, f, cfg.logSize()).verify(nv)) {
                counters.ignore(Ignored.NEW_VIEW_REJECTED);
                startViewChange(view + 1);
                return;
            }
            if (contradictsExecution(nv)) {
                counters.ignore(Ignored.BELOW_EXECUTED);
                startViewChange(view + 1);
                return;
            }
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
        for (Map.Entry<Long, Executed> e : executedLog.tailMap(start, false).entrySet()) {
            long i = e.getKey() - start - 1;
            if (i >= nv.selected().size()) return true;
            if (!nv.selected().get((int) i).equals(e.getValue().body().digest())) return true;
        }
        return false;
    }

    /** Whether this replica executed {@code digest} at {@code seq} (known while its own commit is retained). */
    private boolean sameAsExecuted(long seq, Digest digest) {
        Executed e = executedLog.get(seq);
        return e != null && e.body().digest().equals(digest);
    }

    /** Starts the new view from the decision (section 4.5, "new-view message processing"). */
    private void install(NewView nv) {
        viewActive = true;
        disarmViewChangeTimer();
        long start = nv.checkpointSeq();
        if (start > lastExecuted) {
            // Catch up from retained commits if we can, else fetch the state (maybeTransfer): the
            // decision procedure made sure f+1 replicas hold this checkpoint.
            counters.ignore(Ignored.STATE_BEHIND);
            offerTarget(start, nv.checkpointDigest());
        }
        // The chosen checkpoint is known correct (f+1 hold it): if ours matches, it is our stable one now.
        CheckpointVotes cp = checkpoints.get(start);
        if (start > stableSeq && cp != null && cp.mine != null && cp.mine.state().equals(nv.checkpointDigest())) {
            stableSeq = start;
            checkpoints.headMap(start, false).clear();
        }
        // Our own stable checkpoint may be above the one the view starts from (we executed or fetched
        // further): the log must not start below it, or nothing later could ever become stable here.
        h = Math.max(start, stableSeq);
        log.clear();
        sets.truncate(h);
        for (int i = 0; i < nv.selected().size(); i++) {
            long seq = start + 1 + i;
            Digest d = nv.selected().get(i);
            Slot s = slot(seq);
            s.digest = d;
            if (d.equals(NewView.NULL_REQUEST)) {
                s.prePrepare = new PrePrepare(view, seq, d, NonDet.encodeTime(0), List.of());
            } else {
                PrePrepare body = bodies.get(d);
                if (body != null) s.takeBody(view, body);
                if (seq > lastExecuted) {
                    if (body != null) for (Request r : body.batch()) ordered(r);
                    else wantBody(seq, d);
                }
            }
            if (isPrimary()) {
                if (s.prePrepare != null && !d.equals(NewView.NULL_REQUEST)) out.add(new Action.Multicast(s.prePrepare));
            } else {
                s.myPrepare = new Prepare(view, seq, d, id);
                s.prepares[id] = d;
                out.add(new Action.Multicast(s.myPrepare));
            }
        }
        nextSeq = Math.max(start + nv.selected().size(), lastExecuted) + 1;
        // Numbers past the decision were freed by rule B: nothing prepared there can take effect,
        // so reads need not wait for them (see readsMayRun).
        maxPrepared = Math.min(maxPrepared, Math.max(lastExecuted, start + nv.selected().size()));
        for (Slot s : log.values()) checkPrepared(s);
        // The requests clients sent us directly go to the new primary at once (they retransmit too),
        // and the new primary gets a fresh ordering deadline for them; not those of clients
        // quarantined under it.
        dropQuarantined();
        if (!isPrimary()) {
            for (Request r : pending.values()) {
                Long a = assigned.get(r.client());
                if (a != null && a >= r.timestamp()) continue;
                out.add(new Action.Send(primary(), r));
                awaitingOrder.put(r.client(), now);
            }
            armOrderingTimer();
        }
        armRequestTimer();
        afterProgress();
    }

    // ---- catching up across a view change ----

    private void onCatchUpCommit(int from, Commit c) {
        if (c.seq() > lastExecuted + cfg.logSize()) { counters.ignore(Ignored.OUTSIDE_WATER_MARKS); return; }
        CatchUp u = catchUp.computeIfAbsent(c.seq(), k -> new CatchUp(k, n, cfg.quorum()));
        u.add(from, c);
        if (u.certified != null) executeCommitted();
    }

    // ---- batch bodies by digest (sections 4.5 A3 and 4.6.1) ----

    private boolean haveBody(Digest d) { return d.equals(NewView.NULL_REQUEST) || bodies.containsKey(d); }

    private void wantBody(long seq, Digest d) {
        if (bodies.containsKey(d) || wanted.containsKey(d) || wanted.size() >= cfg.logSize()) return;
        wanted.put(d, seq);
        out.add(new Action.Multicast(new FetchBatch(id, seq, d)));
    }

    /** A body we asked for: checked against its digest, so it needs no trust in whoever sent it. */
    private boolean offerBody(PrePrepare pp) {
        Long seq = wanted.get(pp.digest());
        if (seq == null) return false;
        if (!NonDet.isTime(pp.nonDet()) || !MessageCodec.batchDigest(pp.batch(), pp.nonDet()).equals(pp.digest())) {
            counters.ignore(Ignored.BAD_BATCH_DIGEST);
            return true;
        }
        wanted.remove(pp.digest());
        // The digest covers the batch and its time, not the sequence number a replier put on it: keep
        // it under the one we asked for, so garbage collection by sequence number reaches it.
        if (pp.seq() != seq) pp = new PrePrepare(pp.view(), seq, pp.digest(), pp.nonDet(), pp.batch());
        CatchUp c = catchUp.get(seq);
        if (c != null && pp.digest().equals(c.certified)) c.body = pp;
        // Held in bodies either way: a view change under way asks haveBody, and a body it did not see
        // would be wanted again at once — and each of the n-1 answers to that FETCH-BATCH would be
        // accepted and want it again, multiplying the requests (sim seed 1171, f=2: millions of
        // messages in one simulated millisecond).
        bodies.put(pp.digest(), pp);
        for (Slot s : log.values()) {
            if (s.prePrepare == null && pp.digest().equals(s.digest)) {
                s.takeBody(view, pp);
                if (s.seq > lastExecuted) for (Request r : pp.batch()) ordered(r);
            }
        }
        if (!viewActive) progressViewChange();
        else afterProgress();
        return true;
    }

    private void onFetchBatch(int from, FetchBatch fb) {
        if (!fromReplica(from, fb.replica())) return;
        // A body costs far more to send than a FETCH-BATCH: a replica that asks for more than a correct
        // one could in a status period (its whole log, twice) is not answered until the next one.
        if (fetchBatchAnswers[from] >= 2 * cfg.logSize()) { counters.ignore(Ignored.FETCH_BATCH_BUDGET); return; }
        fetchBatchAnswers[from]++;
        PrePrepare body = bodies.get(fb.digest());
        if (body == null) {
            Slot s = log.get(fb.seq());
            if (s != null && s.prePrepare != null && fb.digest().equals(s.digest)) body = s.prePrepare;
        }
        if (body == null) {
            Executed e = executedLog.get(fb.seq());
            if (e != null && fb.digest().equals(e.body().digest())) body = e.body();
        }
        if (body != null) out.add(new Action.Send(from, body));
    }

    // ---- state transfer (section 4.6.2) ----

    /**
     * Checks every page of the state against its digest (section 4.4, "check and fetch state"): the
     * driver calls it after loading a saved state or on a recovery. Corrupt pages are marked, and a
     * transfer fetches them. Returns how many pages were corrupt.
     */
    public int checkState(long now) {
        this.now = now;
        int bad = tree.check().cardinality();
        if (bad > 0) markCorrupt();
        return bad;
    }

    private void markCorrupt() {
        if (corrupt) return;
        corrupt = true;
        counters.ignore(Ignored.STATE_CORRUPT);
        rollbackTarget();
        maybeTransfer();
    }

    /**
     * A corrupt replica repairs itself from the latest checkpoint at or below its execution that f+1
     * other replicas vouch for, and then runs again the batches it executed after it (it holds their
     * bodies and its own commit certificates). Without such a checkpoint it waits for the next one.
     * Called again as checkpoints arrive: a later one replaces the target, never an earlier one.
     */
    private void rollbackTarget() {
        for (CheckpointVotes v : checkpoints.descendingMap().values()) {
            if (v.seq > lastExecuted) continue;
            Digest d = v.certified(f + 1, id);   // never trust our own digest here
            if (d == null) continue;
            for (long s = v.seq + 1; s <= lastExecuted; s++) if (!executedLog.containsKey(s)) return;
            if (target != null && target.seq() >= v.seq) return;   // already aiming there or later
            target = new CheckpointRef(v.seq, d);
            if (behindSince < 0) behindSince = now;
            return;
        }
    }

    /** A checkpoint above our execution whose digest is known correct: the transfer's target if we need one. */
    private void offerTarget(long seq, Digest digest) {
        if (seq <= lastExecuted || (target != null && seq <= target.seq())) return;
        target = new CheckpointRef(seq, digest);
        if (behindSince < 0) behindSince = now;
        maybeTransfer();
    }

    /**
     * Starts (or re-aims) a transfer when a known checkpoint is beyond what we can reach by executing:
     * more than L ahead (the others garbage-collected the log in between), or ahead while we have made
     * no progress for a while (catching up from retained messages did not work).
     */
    private void maybeTransfer() {
        if (target == null || (!corrupt && target.seq() <= lastExecuted)) {
            target = null;
            behindSince = -1;
            return;
        }
        if (transfer != null) {
            if (target.seq() > transfer.target()) transfer.retarget(target.seq(), target.digest(), out.list());
            return;
        }
        if (executing != -1) return;
        boolean farAhead = target.seq() > lastExecuted + cfg.logSize();
        boolean stalled = now - Math.max(lastProgressAt, behindSince) >= stallTimeout();
        if (!farAhead && !stalled && !corrupt) return;
        transfer = new StateTransfer(tree, id, n);
        transfer.retarget(target.seq(), target.digest(), out.list());
        finishTransferIfDone();
    }

    /** How long a replica behind a known checkpoint tries to catch up by retransmission before fetching state. */
    private long stallTimeout() { return 4 * cfg.statusIntervalMs(); }

    private void onMetaData(int from, MetaData md) {
        if (!fromReplica(from, md.replica())) return;
        if (transfer == null) { counters.ignore(Ignored.UNEXPECTED_MESSAGE); return; }
        transfer.onMetaData(from, md, out.list());
        finishTransferIfDone();
    }

    private void onData(int from, Data d) {
        if (from < 0 || from >= n || from == id) { counters.ignore(Ignored.NOT_A_REPLICA); return; }
        if (transfer == null) { counters.ignore(Ignored.UNEXPECTED_MESSAGE); return; }
        transfer.onData(d, out.list());
        finishTransferIfDone();
    }

    /** The tree has the target's digest: we are at that checkpoint, as if we had executed up to it. */
    private void finishTransferIfDone() {
        if (transfer == null || !transfer.done()) return;
        long c = transfer.target();
        Digest d = transfer.targetDigest();
        if (!tree.completeTransfer(c, d)) {
            // Every piece checked out, so this is not a faulty replier: walk the tree again.
            counters.ignore(Ignored.TRANSFER_INCONSISTENT);
            transfer.retarget(c, d, out.list());
            return;
        }
        pagesTransferred += transfer.pagesFetched;
        transfer = null;
        corrupt = false;
        transfersCompleted++;
        agreedTime = clients.read(state.engine());
        lastExecuted = c;
        maxCommitted = Math.max(maxCommitted, c);
        lastProgressAt = now;
        nextSeq = Math.max(nextSeq, c + 1);
        catchUp.headMap(c, true).clear();
        for (Iterator<Map.Entry<Integer, Request>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, Request> e = it.next();
            CachedReply r = clients.get(e.getKey());
            if (r != null && r.timestamp() >= e.getValue().timestamp()) {
                pendingBytes -= e.getValue().operation().length;
                awaitingOrder.remove(e.getKey());
                it.remove();
            }
        }
        CheckpointVotes v = votes(c);
        v.mine = new Checkpoint(c, d, id);
        v.byReplica[id] = d;
        // Later checkpoints we took from a corrupt state are void.
        checkpoints.tailMap(c, false).values().forEach(x -> { x.mine = null; x.byReplica[id] = null; });
        out.add(new Action.StateReplaced(c));
        // f+1 replicas vouch for c, so it is a correct state: it is our stable checkpoint, and our
        // log moves up to it (nothing at or below it can matter to us any more).
        makeStable(c);
        maybeTransfer();
        afterProgress();
    }

    /** The designated replier's side: the partition of a checkpoint we retain (section 4.6.2). */
    private void onFetch(int from, Fetch fe) {
        if (!fromReplica(from, fe.replica())) return;
        if (transfer != null || !tree.holds(fe.checkpoint())) { counters.ignore(Ignored.CHECKPOINT_NOT_HELD); return; }
        if (fe.level() > tree.leafLevel() || fe.index() >= tree.partitionsAt(fe.level())) { counters.ignore(Ignored.BAD_FETCH); return; }
        if (fe.level() == tree.leafLevel()) out.add(new Action.Send(from, new Data(fe.index(),
                tree.partition(fe.checkpoint(), fe.level(), fe.index()).lm(), tree.pageAt(fe.checkpoint(), fe.index()))));
        else out.add(new Action.Send(from, new MetaData(fe.checkpoint(), fe.level(), fe.index(), id,
                tree.children(fe.checkpoint(), fe.level(), fe.index()))));
    }

    // ---- view-change timer ([6]) ----

    private long viewChangeTimeout() {
        return cfg.viewChangeTimeoutMs() << Math.min(consecutiveViewChanges, MAX_BACKOFF_DOUBLINGS);
    }

    /**
     * A replica waiting for requests to execute runs the view-change timer ([6]): a backup for the
     * requests clients sent it, the primary for the batches it assigned numbers to. The primary
     * suspects itself too: a correct primary whose batches cannot commit at it — a faulty backup
     * withholds its COMMITs from it while one correct backup sits alone in a higher view and the
     * other has executed them and waits for nothing — would otherwise leave the group stuck with no
     * one to time out (aimed seeds 37, 1447, 3767 f=1 and 1056, 3666 f=2). It fires only when no
     * batch executed for a whole timeout while some were outstanding; moving on costs the group one
     * view change, and its timeout doubles like any other's.
     */
    private void armRequestTimer() {
        if (!viewActive || !waitingForExecution() || viewChangeTimerArmed) return;
        if (behind()) { timersHeld = true; return; }
        armViewChangeTimer();
    }

    /** The primary has assigned numbers not executed here yet; a backup holds client requests. */
    private boolean waitingForExecution() {
        return isPrimary() ? nextSeq - 1 > lastExecuted : !pending.isEmpty();
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
    private boolean behind() {
        return transfer != null || corrupt || (target != null && target.seq() > lastExecuted) || groupBeyondWindow();
    }

    /** An authenticated PREPARE or COMMIT of replica {@code from} in view {@code v} for {@code seq}. */
    private void noteAhead(int from, long v, long seq) {
        if (v != view || seq <= h + cfg.logSize()) return;
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
            if (j != id && aheadView[j] == view && aheadSeq[j] > h + cfg.logSize()) ahead++;
        return ahead >= f + 1;
    }

    /** Called after every input: timers held back while {@link #behind()} start now, with fresh deadlines. */
    private void resumeTimersIfCaughtUp() {
        if (!timersHeld || behind()) return;
        timersHeld = false;
        if (!viewActive) return;
        for (Map.Entry<Integer, Long> e : awaitingOrder.entrySet()) e.setValue(now);
        armRequestTimer();
        armOrderingTimer();
    }

    private void armViewChangeTimer() {
        viewChangeTimerArmed = true;
        out.add(new Action.SetTimer(TimerKind.VIEW_CHANGE, now + viewChangeTimeout()));
    }

    private void disarmViewChangeTimer() { viewChangeTimerArmed = false; }

    /** A quarter of the view-change timeout (doubling with it): generous for a correct primary under load. */
    private long orderingDeadline() { return Math.max(1, viewChangeTimeout() / 4); }

    private Long oldestAwaitingOrder() {
        return awaitingOrder.isEmpty() ? null : awaitingOrder.values().iterator().next();
    }

    private void armOrderingTimer() {
        if (!viewActive || isPrimary() || orderingTimerArmed) return;
        Long oldest = oldestAwaitingOrder();
        if (oldest == null) return;
        if (behind()) { timersHeld = true; return; }
        orderingTimerArmed = true;
        out.add(new Action.SetTimer(TimerKind.ORDERING, Math.max(now, oldest + orderingDeadline())));
    }

    /** A request was pre-prepared (or selected by a new view): assigned, and no longer awaiting order. */
    private void ordered(Request r) {
        assigned.merge(r.client(), r.timestamp(), Math::max);
        Request p = pending.get(r.client());
        if (p != null && p.timestamp() <= r.timestamp()) awaitingOrder.remove(r.client());
    }

    // ---- retransmission (section 4.6.1) ----

    private Status status() {
        int bits = (int) Math.min(cfg.logSize(), Math.max(0, h + cfg.logSize() - lastExecuted));
        long[] prepared = new long[(bits + 63) / 64];
        long[] committed = new long[(bits + 63) / 64];
        for (Slot s : log.tailMap(lastExecuted, false).values()) {
            long i = s.seq - lastExecuted - 1;
            if (i >= bits) break;
            if (s.prepared) prepared[(int) (i >>> 6)] |= 1L << (i & 63);
            if (s.committed) committed[(int) (i >>> 6)] |= 1L << (i & 63);
        }
        long vcs = viewActive || round == null ? 0 : round.receivedBits();
        return new Status(view, id, viewActive, stableSeq, lastExecuted, vcs, prepared, committed);
    }

    /** Resend to {@code from} what its status shows it lacks. */
    private void onStatus(int from, Status st) {
        if (!fromReplica(from, st.replica())) return;
        for (CheckpointVotes v : checkpoints.tailMap(st.stableSeq(), false).values()) {
            if (v.mine != null) out.add(new Action.Send(from, v.mine));
        }
        // It has not executed batches we executed (below our log, or in an earlier view): our commits
        // for them let it catch up (CatchUp), whatever view each of us is in.
        long below = Math.min(lastExecuted, log.isEmpty() || st.view() != view ? lastExecuted : log.firstKey() - 1);
        if (st.lastExecuted() < below) {
            for (Executed e : executedLog.subMap(st.lastExecuted(), false, below, true).values()) out.add(new Action.Send(from, e.commit()));
        }
        if (st.view() < view) {
            // It is behind: our view-change helps it join (f+1 of them make it move).
            if (myViewChange != null && myViewChange.view() == view) out.add(new Action.Send(from, myViewChange));
            return;
        }
        if (st.view() > view) return;
        if (!st.viewActive()) { resendViewChange(from, st); return; }
        if (!viewActive) return;
        // Bounds from a peer are untrusted: clamp to our own window (and avoid overflow).
        long lo = Math.max(st.lastExecuted(), retainedFrom());
        long hi = h + cfg.logSize();
        if (st.lastExecuted() >= 0 && st.lastExecuted() < hi - cfg.logSize()) hi = st.lastExecuted() + cfg.logSize();
        if (lo >= hi) return;
        for (Slot s : log.subMap(lo, false, hi, true).values()) {
            if (!st.isPrepared(s.seq)) {
                if (isPrimary() && s.prePrepare != null && !NewView.NULL_REQUEST.equals(s.digest)) out.add(new Action.Send(from, s.prePrepare));
                if (s.myPrepare != null) out.add(new Action.Send(from, s.myPrepare));
            }
            if (!st.isCommitted(s.seq) && s.myCommit != null) out.add(new Action.Send(from, s.myCommit));
        }
    }

    /** {@code from} is changing to our view and lacks parts of it (section 4.6.1). */
    private void resendViewChange(int from, Status st) {
        if (round == null || round.view != view) return;
        if (myViewChange != null && myViewChange.view() == view && !st.hasViewChange(id)) out.add(new Action.Send(from, myViewChange));
        if (isPrimary()) {
            if (round.newView != null) {
                out.add(new Action.Send(from, round.newView));
                // Forward the view-changes it names that `from` lacks; f acks let it accept them. Its
                // own too: a replica restarted since it sent it has only a new one, and cannot check
                // the decision without the one named (the simulator's RESTART, seed 31 f=1: the
                // restarted replica waited for its own lost VIEW-CHANGE, timed out into the next view
                // and stayed there alone — issue 15 item 3).
                for (NewView.ViewChangeRef ref : round.newView.viewChanges()) {
                    ViewChange vc = round.received(ref.replica());
                    if (vc == null || ref.replica() == id) continue;
                    if (ref.replica() == from || !st.hasViewChange(ref.replica())) out.add(new Action.Send(from, vc));
                }
            }
            return;
        }
        // A backup vouches for the view-changes it received: to the primary (for S) and to a backup
        // that has only a forwarded copy.
        for (int j = 0; j < n; j++) {
            ViewChange vc = round.received(j);
            if (vc == null || j == id) continue;
            // Its own view-change too (see above): a restarted replica accepts the copy the primary
            // forwards of the one it sent before, once f of us vouch for it.
            if (from == primary() ? j != from : j == from || !st.hasViewChange(j))
                out.add(new Action.Send(from, new ViewChangeAck(view, id, j, round.receivedDigest(j))));
        }
    }

    // ---- helpers ----

    /** Log entries above this sequence number are still held (see {@link #makeStable}). */
    private long retainedFrom() { return log.isEmpty() ? h : Math.min(h, log.firstKey() - 1); }

    private boolean acceptable(long v, long seq) {
        if (v != view || !viewActive) {
            counters.ignore(Ignored.WRONG_VIEW);
            if (v > view) missingSomething();
            return false;
        }
        if (seq <= h || seq > h + cfg.logSize()) {
            counters.ignore(Ignored.OUTSIDE_WATER_MARKS);
            if (seq > h + cfg.logSize()) missingSomething();
            return false;
        }
        if (seq > lastExecuted + cfg.maxInFlightBatches() + 1) missingSomething();
        return true;
    }

    /**
     * Section 4.6.1: STATUS also works as a negative acknowledgement — a replica that sees traffic
     * beyond what it could have (a later view, sequence numbers past a gap) sends one at once rather
     * than at the next period, so that it does not fall out of its peers' retained logs. At most
     * four per status period.
     */
    private void missingSomething() {
        long gap = Math.max(1, cfg.statusIntervalMs() / 4);
        if (now - lastStatusSent < gap) return;
        lastStatusSent = now;
        out.add(new Action.Multicast(status()));
    }

    private boolean fromReplica(int from, int claimed) {
        if (from < 0 || from >= n || from != claimed || from == id) { counters.ignore(Ignored.NOT_A_REPLICA); return false; }
        return true;
    }

    private Slot slot(long seq) {
        Slot s = log.get(seq);
        if (s == null) {
            s = new Slot(seq, n);
            log.put(seq, s);
        }
        return s;
    }

    private CheckpointVotes votes(long seq) {
        return checkpoints.computeIfAbsent(seq, k -> new CheckpointVotes(k, n));
    }

    private int primary() { return cfg.primaryOf(view); }

    public boolean isPrimary() { return primary() == id; }

    // ---- observation (tests, metrics, the simulator's checks) ----

    public int id() { return id; }
    public long view() { return view; }
    public boolean viewActive() { return viewActive; }
    /** View changes this replica started (sent a VIEW-CHANGE for). */
    public long viewChangesStarted() { return viewChangesStarted; }
    /** The view-change timeout now: the base doubled per consecutive view change that did not complete in time. */
    public long viewChangeTimeoutMs() { return viewChangeTimeout(); }
    public long lowWaterMark() { return h; }
    public long stableSeq() { return stableSeq; }
    public long lastExecuted() { return lastExecuted; }
    public long knownStable() { return knownStable; }
    public Counters counters() { return counters; }
    public int logSize() { return log.size(); }
    public int pendingRequests() { return pending.size(); }
    /** State transfers this replica completed, and the pages they fetched. */
    public long transfersCompleted() { return transfersCompleted; }
    public long pagesTransferred() { return pagesTransferred; }
    public boolean transferring() { return transfer != null; }
    public boolean corrupt() { return corrupt; }
    public ReplicatedState state() { return state; }

    /** This replica's checkpoint digest for {@code seq}, if it still holds it. */
    public Digest checkpointDigest(long seq) {
        CheckpointVotes v = checkpoints.get(seq);
        return v == null || v.mine == null ? null : v.mine.state();
    }
}
