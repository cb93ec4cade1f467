package io.bulwark.bft.core;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.Checkpoint;
import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.Reply;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.msg.Status;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The replica state machine for the normal case (sections 4.2, 4.3, 4.6.1): a pure core.
 * <p>
 * It takes one input at a time — an authenticated message ({@link #receive}), a timer
 * ({@link #timeout}), the end of an execution ({@link #executed}, {@link #executedReadOnly}) —
 * each with the current time as an argument, and accumulates {@link Action}s that the driver
 * collects with {@link #ready()}. No sockets, threads, clocks, randomness or files in here.
 * <p>
 * Invariants: slots exist only for h &lt; seq ≤ H = h + L; at most one execution is outstanding;
 * requests execute in sequence order, each client's at most once (by timestamp).
 */
public final class Replica {
    private static final int MAX_DEFERRED_READS = 4096;

    private final int id;
    private final ProtocolConfig cfg;
    private final int n;
    private final Counters counters = new Counters();
    private final Outbox out = new Outbox();

    private long now;
    private long view;
    /** Low water mark: sequence number of the last stable checkpoint. */
    private long h;
    private long lastExecuted;
    /** Highest sequence number known to be committed here. */
    private long maxCommitted;
    /** Primary: the next sequence number to assign. */
    private long nextSeq = 1;
    /** The last agreed time executed; execution time never goes backwards. */
    private long agreedTime;
    /** Primary: the last time proposed. */
    private long proposedTime;
    /** Highest sequence number for which a certified (2f+1) checkpoint exists, even if not executed here. */
    private long knownStable;

    /** Sequence number of the outstanding execution, or -1; {@code Long.MIN_VALUE} for a read-only one. */
    private long executing = -1;
    private List<Request> executingRequests = List.of();

    private final TreeMap<Long, Slot> log = new TreeMap<>();
    private final TreeMap<Long, CheckpointVotes> checkpoints = new TreeMap<>();
    /** Primary: requests waiting for a batch, at most one per client, in arrival order. */
    private final LinkedHashMap<Integer, Request> pending = new LinkedHashMap<>();
    private int pendingBytes;
    /** Highest timestamp per client assigned a sequence number but not yet executed. */
    private final Map<Integer, Long> assigned = new HashMap<>();
    private final Map<Integer, CachedReply> lastReply = new HashMap<>();
    private final ArrayDeque<Request> deferredReads = new ArrayDeque<>();

    public Replica(int id, ProtocolConfig cfg) {
        this.cfg = cfg;
        this.n = cfg.n();
        if (id < 0 || id >= n) throw new IllegalArgumentException("replica id " + id + " outside 0.." + (n - 1));
        this.id = id;
    }

    // ---- inputs ----

    /** Starts the replica's timers. */
    public void start(long now) {
        this.now = now;
        out.add(new Action.SetTimer(TimerKind.STATUS, now + cfg.statusIntervalMs()));
    }

    /** An authenticated message from principal {@code from}. */
    public void receive(long now, int from, Message m) {
        this.now = now;
        if (m instanceof Request r) onRequest(from, r);
        else if (m instanceof PrePrepare pp) onPrePrepare(from, pp);
        else if (m instanceof Prepare p) onPrepare(from, p);
        else if (m instanceof Commit c) onCommit(from, c);
        else if (m instanceof Checkpoint c) onCheckpoint(from, c);
        else if (m instanceof Status s) onStatus(from, s);
        else counters.ignore(Ignored.UNEXPECTED_MESSAGE);
    }

    public void timeout(long now, TimerKind kind) {
        this.now = now;
        if (kind == TimerKind.STATUS) {
            out.add(new Action.Multicast(status()));
            out.add(new Action.SetTimer(TimerKind.STATUS, now + cfg.statusIntervalMs()));
        }
    }

    /**
     * The driver finished {@link Action.Execute} for {@code seq}: one result per request, and the
     * state digest after it when the action asked for a checkpoint.
     */
    public void executed(long now, long seq, List<byte[]> results, Digest stateDigest) {
        this.now = now;
        if (seq != executing || results.size() != executingRequests.size())
            throw new IllegalStateException("executed(" + seq + ") does not match the outstanding execution " + executing);
        for (int i = 0; i < results.size(); i++) {
            Request r = executingRequests.get(i);
            byte[] result = results.get(i);
            lastReply.put(r.client(), new CachedReply(r.timestamp(), result));
            Long a = assigned.get(r.client());
            if (a != null && a <= r.timestamp()) assigned.remove(r.client());
            Request p = pending.get(r.client());
            if (p != null && p.timestamp() <= r.timestamp()) removePending(r.client());
            out.add(new Action.Send(r.client(), reply(r, result, false)));
        }
        executing = -1;
        executingRequests = List.of();
        lastExecuted = seq;
        if (seq % cfg.checkpointInterval() == 0) {
            if (stateDigest == null) throw new IllegalStateException("checkpoint " + seq + " needs the state digest");
            takeCheckpoint(seq, stateDigest);
        }
        afterProgress();
    }

    /** The driver finished {@link Action.ExecuteReadOnly}. */
    public void executedReadOnly(long now, Request request, byte[] result) {
        this.now = now;
        if (executing != Long.MIN_VALUE) throw new IllegalStateException("no read-only execution outstanding");
        executing = -1;
        out.add(new Action.Send(request.client(), reply(request, result, true)));
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
        if (r.readOnly()) { onReadOnly(r); return; }
        CachedReply c = lastReply.get(r.client());
        if (c != null && r.timestamp() < c.timestamp()) { counters.ignore(Ignored.OLD_REQUEST); return; }
        if (c != null && r.timestamp() == c.timestamp()) {
            // A retransmission of an executed request: the reply was lost (section 4.2).
            out.add(new Action.Send(r.client(), reply(r, c.result(), false)));
            return;
        }
        Long a = assigned.get(r.client());
        if (a != null && a >= r.timestamp()) { counters.ignore(Ignored.DUPLICATE_REQUEST); return; }
        if (isPrimary()) {
            Request p = pending.get(r.client());
            if (p != null && p.timestamp() >= r.timestamp()) { counters.ignore(Ignored.DUPLICATE_REQUEST); return; }
            if (p != null) removePending(r.client());
            pending.put(r.client(), r);
            pendingBytes += r.operation().length;
            sendBatches();
        } else if (from == r.client()) {
            // A backup relays a client's retransmission to the primary.
            out.add(new Action.Send(primary(), r));
        }
    }

    private void onReadOnly(Request r) {
        if (executing != -1 || maxCommitted > lastExecuted) {
            if (deferredReads.size() >= MAX_DEFERRED_READS) { counters.ignore(Ignored.READ_ONLY_QUEUE_FULL); return; }
            deferredReads.add(r);
            return;
        }
        executing = Long.MIN_VALUE;
        out.add(new Action.ExecuteReadOnly(r));
    }

    private Reply reply(Request r, byte[] result, boolean readOnly) {
        boolean full = r.replier() == Request.ALL_REPLY || r.replier() == id;
        byte[] body = full ? result : MessageCodec.resultDigest(result).bytes();
        return new Reply(view, r.timestamp(), r.client(), id, readOnly, !full, body);
    }

    /** Primary: assign sequence numbers to pending requests while the pipeline has room (batching). */
    private void sendBatches() {
        while (!pending.isEmpty() && nextSeq - 1 - lastExecuted < cfg.maxInFlightBatches() && nextSeq <= h + cfg.logSize()) {
            List<Request> batch = new ArrayList<>(Math.min(pending.size(), cfg.maxBatchRequests()));
            int bytes = 0;
            Iterator<Request> it = pending.values().iterator();
            while (it.hasNext() && batch.size() < cfg.maxBatchRequests()) {
                Request r = it.next();
                int len = r.operation().length;
                if (!batch.isEmpty() && bytes + len > cfg.maxBatchBytes()) break;
                batch.add(r);
                bytes += len;
                it.remove();
                pendingBytes -= len;
                assigned.put(r.client(), r.timestamp());
            }
            proposedTime = Math.max(proposedTime, now);
            byte[] nonDet = NonDet.encodeTime(proposedTime);
            Digest d = MessageCodec.batchDigest(batch, nonDet);
            PrePrepare pp = new PrePrepare(view, nextSeq, d, nonDet, List.copyOf(batch));
            Slot s = slot(nextSeq);
            s.prePrepare = pp;
            nextSeq++;
            out.add(new Action.Multicast(pp));
            checkPrepared(s);
        }
    }

    private void removePending(int client) {
        Request old = pending.remove(client);
        if (old != null) pendingBytes -= old.operation().length;
    }

    // ---- three-phase agreement (section 4.2) ----

    private void onPrePrepare(int from, PrePrepare pp) {
        if (!acceptable(pp.view(), pp.seq())) return;
        if (from != primary() || isPrimary()) { counters.ignore(Ignored.NOT_FROM_PRIMARY); return; }
        Slot s = slot(pp.seq());
        if (s.prePrepare != null) {
            if (!s.prePrepare.digest().equals(pp.digest())) counters.ignore(Ignored.CONFLICTING_PRE_PREPARE);
            return;
        }
        if (!validBatch(pp)) return;
        s.prePrepare = pp;
        for (Request r : pp.batch()) assigned.merge(r.client(), r.timestamp(), Math::max);
        s.myPrepare = new Prepare(view, pp.seq(), pp.digest(), id);
        s.prepares[id] = pp.digest();
        out.add(new Action.Multicast(s.myPrepare));
        checkPrepared(s);
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
        // Section 3 / [6]: backups check the primary's non-deterministic choice.
        if (Math.abs(NonDet.decodeTime(pp.nonDet()) - now) > cfg.maxClockSkewMs()) { counters.ignore(Ignored.CLOCK_SKEW); return false; }
        if (!MessageCodec.batchDigest(batch, pp.nonDet()).equals(pp.digest())) { counters.ignore(Ignored.BAD_BATCH_DIGEST); return false; }
        return true;
    }

    private void onPrepare(int from, Prepare p) {
        if (!fromReplica(from, p.replica()) || !acceptable(p.view(), p.seq())) return;
        if (from == primary()) { counters.ignore(Ignored.NOT_FROM_PRIMARY); return; }
        Slot s = slot(p.seq());
        if (s.prepares[from] == null) s.prepares[from] = p.digest();
        checkPrepared(s);
    }

    private void onCommit(int from, Commit c) {
        if (!fromReplica(from, c.replica()) || !acceptable(c.view(), c.seq())) return;
        Slot s = slot(c.seq());
        if (s.commits[from] == null) s.commits[from] = c.digest();
        checkCommitted(s);
    }

    /** Prepared: the pre-prepare and 2f matching prepares from different backups. */
    private void checkPrepared(Slot s) {
        if (s.prepared || s.prePrepare == null || s.matchingPrepares(primary()) < 2 * cfg.f()) return;
        s.prepared = true;
        s.myCommit = new Commit(view, s.seq, s.digest(), id);
        s.commits[id] = s.digest();
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
        if (executing != -1) return;
        Slot s = log.get(lastExecuted + 1);
        if (s == null || !s.committed) return;
        List<Request> batch = s.prePrepare.batch();
        List<Request> run = new ArrayList<>(batch.size());
        Map<Integer, Long> seen = null;
        for (Request r : batch) {
            CachedReply c = lastReply.get(r.client());
            if (c != null && c.timestamp() >= r.timestamp()) continue;   // exactly once
            if (seen == null) seen = new HashMap<>();
            Long prior = seen.get(r.client());
            if (prior != null && prior >= r.timestamp()) continue;
            seen.put(r.client(), r.timestamp());
            run.add(r);
        }
        agreedTime = Math.max(agreedTime, NonDet.decodeTime(s.prePrepare.nonDet()));
        executing = s.seq;
        executingRequests = run;
        out.add(new Action.Execute(s.seq, NonDet.encodeTime(agreedTime), run, s.seq % cfg.checkpointInterval() == 0));
    }

    private void afterProgress() {
        executeCommitted();
        while (executing == -1 && maxCommitted <= lastExecuted && !deferredReads.isEmpty()) {
            onReadOnly(deferredReads.poll());
        }
        if (isPrimary()) sendBatches();
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
        if (c.seq() <= h) return;   // old news
        if (c.seq() % cfg.checkpointInterval() != 0 || c.seq() > h + 2L * cfg.logSize()) {
            counters.ignore(Ignored.CHECKPOINT_TOO_FAR);
            return;
        }
        CheckpointVotes v = votes(c.seq());
        if (v.byReplica[from] == null) v.byReplica[from] = c.state();
        checkStable(v);
    }

    private void checkStable(CheckpointVotes v) {
        Digest certified = v.certified(cfg.quorum());
        if (certified == null) return;
        knownStable = Math.max(knownStable, v.seq);
        if (v.mine == null) return;   // not executed here yet: behind (state transfer is a later issue)
        if (!v.mine.state().equals(certified)) {
            counters.ignore(Ignored.CHECKPOINT_MISMATCH);   // our state diverged from 2f+1 others
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
        long previous = h;
        h = seq;
        log.headMap(previous, true).clear();
        checkpoints.headMap(seq, false).clear();
        if (isPrimary()) sendBatches();
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
        return new Status(view, id, true, h, lastExecuted, 0L, prepared, committed);
    }

    /** Resend to {@code from} our own messages that its status shows it lacks. */
    private void onStatus(int from, Status st) {
        if (!fromReplica(from, st.replica())) return;
        if (st.view() != view) { counters.ignore(Ignored.WRONG_VIEW); return; }
        for (CheckpointVotes v : checkpoints.tailMap(st.stableSeq(), false).values()) {
            if (v.mine != null) out.add(new Action.Send(from, v.mine));
        }
        // Bounds from a peer are untrusted: clamp to our own window (and avoid overflow).
        long lo = Math.max(st.lastExecuted(), retainedFrom());
        long hi = h + cfg.logSize();
        if (st.lastExecuted() >= 0 && st.lastExecuted() < hi - cfg.logSize()) hi = st.lastExecuted() + cfg.logSize();
        if (lo >= hi) return;
        for (Slot s : log.subMap(lo, false, hi, true).values()) {
            if (!st.isPrepared(s.seq)) {
                if (isPrimary() && s.prePrepare != null) out.add(new Action.Send(from, s.prePrepare));
                if (s.myPrepare != null) out.add(new Action.Send(from, s.myPrepare));
            }
            if (!st.isCommitted(s.seq) && s.myCommit != null) out.add(new Action.Send(from, s.myCommit));
        }
    }

    // ---- helpers ----

    /** Log entries above this sequence number are still held (see {@link #makeStable}). */
    private long retainedFrom() { return log.isEmpty() ? h : Math.min(h, log.firstKey() - 1); }

    private boolean acceptable(long v, long seq) {
        if (v != view) { counters.ignore(Ignored.WRONG_VIEW); return false; }
        if (seq <= h || seq > h + cfg.logSize()) { counters.ignore(Ignored.OUTSIDE_WATER_MARKS); return false; }
        return true;
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
    public long lowWaterMark() { return h; }
    public long lastExecuted() { return lastExecuted; }
    public long knownStable() { return knownStable; }
    public Counters counters() { return counters; }
    public int logSize() { return log.size(); }
    public int pendingRequests() { return pending.size(); }

    /** This replica's checkpoint digest for {@code seq}, if it still holds it. */
    public Digest checkpointDigest(long seq) {
        CheckpointVotes v = checkpoints.get(seq);
        return v == null || v.mine == null ? null : v.mine.state();
    }
}
