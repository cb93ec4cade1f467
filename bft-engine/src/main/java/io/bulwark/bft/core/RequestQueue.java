package io.bulwark.bft.core;

import io.bulwark.bft.msg.AuthFailure;
import io.bulwark.bft.msg.Request;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The client requests a replica holds (section 4.2): the ones waiting to be ordered, when each
 * arrived, which were assigned a number, read-only requests waiting for their turn, and the
 * primary's batch selection. Also the replica side of the big-MAC defence (AUTH-FAILURE
 * complaints, {@link ClientQuarantine}), which decides which held requests are dropped.
 */
final class RequestQueue {
    static final int MAX_DEFERRED_READS = 4096;

    private final Replica r;
    /**
     * Requests waiting to be ordered, at most one per client, in arrival order: at the primary, the
     * ones to batch; at a backup, the ones it received from clients directly, which run its
     * view-change timer and which it proposes if it becomes primary.
     */
    private final LinkedHashMap<Integer, Request> pending = new LinkedHashMap<>();
    private int pendingBytes;
    /** Backup: when each client's pending request arrived, while it is not pre-prepared yet (arrival order). */
    private final LinkedHashMap<Integer, Long> awaitingOrder = new LinkedHashMap<>();
    /** Highest timestamp per client assigned a sequence number but not yet executed. */
    private final Map<Integer, Long> assigned = new HashMap<>();
    private final ArrayDeque<Request> deferredReads = new ArrayDeque<>();
    private final ReadOnlyFreshness readOnlyFreshness;

    RequestQueue(Replica r) {
        this.r = r;
        // Authenticated clients only reach it (their keys are configured), and their number is what the table holds.
        this.readOnlyFreshness = new ReadOnlyFreshness(2 * Math.max(1, r.state.maxClients()));
    }

    int size() { return pending.size(); }

    boolean isEmpty() { return pending.isEmpty(); }

    int bytes() { return pendingBytes; }

    Request pending(int client) { return pending.get(client); }

    /** Deferred read-only requests (tests). */
    int deferredReads() { return deferredReads.size(); }

    void onRequest(int from, Request q) {
        if (from != q.client() && !(from >= 0 && from < r.n)) { r.counters.ignore(Ignored.UNEXPECTED_MESSAGE); return; }
        // A replica is a client only of its recovery request (section 4.4), never read-only.
        if (q.client() < r.n && (q.readOnly() || RecoveryOp.decode(q.operation()) == null)) { r.counters.ignore(Ignored.NOT_A_RECOVERY_REQUEST); return; }
        // Its MACs may be under keys a compromised replica leaked: only its co-processor's signature
        // makes it that replica's (section 4.4). Checked before it can take the pending slot of the
        // real one, be relayed, or be pre-prepared.
        if (q.client() < r.n && !r.recovery.authentic(q)) { r.counters.ignore(Ignored.FORGED_RECOVERY_REQUEST); return; }
        if (q.operation().length > r.cfg.maxOperationBytes()) { r.counters.ignore(Ignored.OVERSIZED_REQUEST); return; }
        CachedReply c = r.clients.get(q.client());
        if (q.readOnly()) {
            // A replayed read-only request would cost an execution and n replies each time (issue 20).
            if ((c != null && q.timestamp() <= c.timestamp()) || !readOnlyFreshness.take(q.client(), q.timestamp())) {
                r.counters.ignore(Ignored.READ_ONLY_REPLAY);
                return;
            }
            onReadOnly(q);
            return;
        }
        if (c != null && q.timestamp() < c.timestamp()) { r.counters.ignore(Ignored.OLD_REQUEST); return; }
        if (c != null && q.timestamp() == c.timestamp()) {
            if (q.client() == r.id) return;   // our own recovery request, answered to ourselves at execution
            // A retransmission of an executed request: the reply was lost (section 4.2).
            r.out.add(new Action.Send(q.client(), c.result() != null ? r.reply(q, c.result(), false) : r.digestReply(q, c.digest())));
            return;
        }
        if (r.quarantine.quarantined(q.client(), r.primary(), r.now)) { r.counters.ignore(Ignored.CLIENT_QUARANTINED); return; }
        Long a = assigned.get(q.client());
        if (a != null && a >= q.timestamp()) {
            // Ordered, not yet executed here, and its client still has no certified reply. A backup
            // that saw the request only inside the pre-prepare holds it now, so that the view-change
            // timer runs ([6]: waiting for a request to execute): an equivocating primary can leave the
            // slot uncommittable here (sim seed 3388: the one other correct replica left alone).
            if (!r.isPrimary() && from == q.client() && a == q.timestamp() && r.viewActive && !pending.containsKey(q.client())) {
                pending.put(q.client(), q);
                pendingBytes += q.operation().length;
                r.timers.armRequestTimer();
            }
            r.counters.ignore(Ignored.DUPLICATE_REQUEST);
            return;
        }
        Request p = pending.get(q.client());
        if (p != null && p.timestamp() >= q.timestamp()) {
            if (from == q.client() && p.timestamp() == q.timestamp()) {
                // The client's own latest copy replaces the one we hold: a copy whose authenticator was
                // damaged for other replicas (in flight, or relayed by a faulty replica) must not stick.
                pending.put(q.client(), q);
                pendingBytes += q.operation().length - p.operation().length;
                if (!r.isPrimary()) r.agreement.requestHeld(q);
            }
            // A client's retransmission: the primary may have missed it, so a backup relays it.
            if (!r.isPrimary() && from == q.client() && r.viewActive) r.out.add(new Action.Send(r.primary(), q));
            r.counters.ignore(Ignored.DUPLICATE_REQUEST);
            return;
        }
        if (r.isPrimary()) {
            if (p != null) remove(q.client());
            pending.put(q.client(), q);
            pendingBytes += q.operation().length;
            sendBatches();
        } else if (from == q.client()) {
            // A backup keeps a client's request: it runs the view-change and ordering timers, and the
            // backup proposes it if it becomes primary. The client sent it to the primary as well.
            if (p != null) remove(q.client());
            pending.put(q.client(), q);
            pendingBytes += q.operation().length;
            awaitingOrder.remove(q.client());
            awaitingOrder.put(q.client(), r.now);
            if (r.viewActive) {
                r.timers.armRequestTimer();
                r.timers.armOrderingTimer();
                // The primary's pre-prepare may have named it by digest before it arrived here.
                r.agreement.requestHeld(q);
            }
        }
    }

    private void onReadOnly(Request q) {
        if (!readsMayRun()) {
            if (deferredReads.size() >= MAX_DEFERRED_READS) { r.counters.ignore(Ignored.READ_ONLY_QUEUE_FULL); return; }
            deferredReads.add(q);
            return;
        }
        r.agreement.executeReadOnly(q);
    }

    /** Runs deferred read-only requests while reads may run. */
    void runDeferredReads() {
        while (readsMayRun() && !deferredReads.isEmpty()) onReadOnly(deferredReads.poll());
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
     * {@code maxPrepared} to the new view's decision in {@link ViewChanges#install} keeps the argument.
     */
    boolean readsMayRun() {
        Agreement a = r.agreement;
        return a.executing == -1 && a.maxCommitted <= r.lastExecuted && a.maxPrepared <= r.lastExecuted
                && !r.catchUp.transferring() && !r.catchUp.corrupt;
    }

    /** Primary: assign sequence numbers to pending requests while the pipeline has room (batching). */
    void sendBatches() {
        if (!r.viewActive || !r.isPrimary()) return;
        Agreement ag = r.agreement;
        if (ag.proposalsForgotten()) {
            if (!pending.isEmpty()) ag.proposalsWithheld++;
            return;
        }
        while (!pending.isEmpty() && ag.nextSeq - 1 - r.lastExecuted < r.cfg.maxInFlightBatches() && ag.nextSeq <= r.h + r.cfg.logSize()) {
            List<Request> batch = new ArrayList<>(Math.min(pending.size(), r.cfg.maxBatchRequests()));
            int bytes = 0;
            Iterator<Request> it = pending.values().iterator();
            while (it.hasNext() && batch.size() < r.cfg.maxBatchRequests()) {
                Request q = it.next();
                int len = q.operation().length;
                Long a = assigned.get(q.client());
                if (a != null && a >= q.timestamp()) {   // already ordered (e.g. by a new view's decision)
                    it.remove();
                    pendingBytes -= len;
                    continue;
                }
                if (!batch.isEmpty() && bytes + len > r.cfg.maxBatchBytes()) break;
                batch.add(q);
                bytes += len;
                it.remove();
                pendingBytes -= len;
                assigned.put(q.client(), q.timestamp());
            }
            if (batch.isEmpty()) continue;
            ag.propose(batch);
        }
    }

    private void remove(int client) {
        Request old = pending.remove(client);
        if (old != null) pendingBytes -= old.operation().length;
    }

    /** A request was pre-prepared (or selected by a new view): assigned, and no longer awaiting order. */
    void ordered(Request q) {
        assigned.merge(q.client(), q.timestamp(), Math::max);
        Request p = pending.get(q.client());
        if (p != null && p.timestamp() <= q.timestamp()) awaitingOrder.remove(q.client());
    }

    /**
     * A pre-prepare of the primary named client {@code client}'s request {@code timestamp}, and waits
     * here for a request's body: that client's request no longer awaits order (the ordering deadline,
     * Aardvark's slow primary, is about proposals), though it is not assigned until accepted.
     */
    void named(int client, long timestamp) {
        Request p = pending.get(client);
        if (p != null && p.timestamp() <= timestamp) awaitingOrder.remove(client);
    }

    /** A request executed here: no longer assigned, and no longer held. */
    void executed(Request q) {
        Long a = assigned.get(q.client());
        if (a != null && a <= q.timestamp()) assigned.remove(q.client());
        Request p = pending.get(q.client());
        if (p != null && p.timestamp() <= q.timestamp()) {
            remove(q.client());
            awaitingOrder.remove(q.client());
        }
    }

    /**
     * A forged recovery request reached execution and was refused ({@code Recovery.execute}): its
     * timestamp no longer counts as ordered, so that the replica's real request is not taken for a
     * duplicate of it. Nothing else changes (the real one may be pending).
     */
    void refused(Request q) {
        Long a = assigned.get(q.client());
        if (a != null && a == q.timestamp()) assigned.remove(q.client());
    }

    /** Whether {@code q}'s timestamp is ordered already (assigned a number, not executed yet). */
    boolean assigned(Request q) {
        Long a = assigned.get(q.client());
        return a != null && a >= q.timestamp();
    }

    /** A state transfer brought the client table here: drop what it shows executed. */
    void dropAnswered() {
        for (Iterator<Map.Entry<Integer, Request>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, Request> e = it.next();
            CachedReply c = r.clients.get(e.getKey());
            if (c != null && c.timestamp() >= e.getValue().timestamp()) {
                pendingBytes -= e.getValue().operation().length;
                awaitingOrder.remove(e.getKey());
                it.remove();
            }
        }
    }

    /** Leaving a view: nothing is assigned in the next one yet, and nothing awaits its order. */
    void leaveView() {
        assigned.clear();
        awaitingOrder.clear();
    }

    /**
     * A new view is installed at a backup: the requests clients sent us directly go to the new
     * primary at once (they retransmit too), and the new primary gets a fresh ordering deadline.
     */
    void handToNewPrimary() {
        for (Request q : pending.values()) {
            if (assigned(q)) continue;
            r.out.add(new Action.Send(r.primary(), q));
            awaitingOrder.put(q.client(), r.now);
        }
    }

    /** The arrival time of the oldest request not pre-prepared yet, or null. */
    Long oldestAwaitingOrder() {
        return awaitingOrder.isEmpty() ? null : awaitingOrder.values().iterator().next();
    }

    /** Timers held while behind start again: every request awaiting order gets a fresh deadline. */
    void restartOrderingDeadlines() {
        for (Map.Entry<Integer, Long> e : awaitingOrder.entrySet()) e.setValue(r.now);
    }

    /** Whether we hold the same request (every field the client authenticates) as its client sent it. */
    boolean holdsSame(Request q) { return sameRequest(pending.get(q.client()), q); }

    /** The same request (every field the client authenticates), whatever the authenticators. */
    static boolean sameRequest(Request a, Request b) {
        return a != null && a.client() == b.client() && a.timestamp() == b.timestamp() && a.readOnly() == b.readOnly()
                && a.replier() == b.replier() && Arrays.equals(a.operation(), b.operation());
    }

    // ---- the big-MAC defence ----

    /** AUTH-FAILURE from another replica, about the current view or the one before. */
    void onAuthFailure(int from, AuthFailure af) {
        if (!r.fromReplica(from, af.replica())) return;
        if (af.view() > r.view || af.view() < r.view - 1) { r.counters.ignore(Ignored.WRONG_VIEW); return; }
        if (af.client() < r.n) { r.counters.ignore(Ignored.UNEXPECTED_MESSAGE); return; }
        complaint(from, af.view(), af.client());
    }

    /** Times f+1 AUTH-FAILUREs made this replica suspect its primary (metrics, the simulator's oracle). */
    long authFailureSuspicions;

    /**
     * Replica {@code from} could not authenticate {@code client}'s request in a pre-prepare of view
     * {@code v}. The primary of {@code v} never counts (it checked its own entry); f+1 others make
     * the client quarantined under that primary, and if that is the current one, its request held
     * here goes (so it runs no timer against a primary that will not order it).
     */
    void complaint(int from, long v, int client) {
        int p = r.cfg.primaryOf(v);
        if (from == p || !r.quarantine.complaint(v, p, from, client, r.now)) return;
        r.notice(new Notice.ClientQuarantined(client, v, p, r.quarantine.offences(client), r.quarantine.quarantineMs(r.quarantine.offences(client))));
        if (p != r.primary()) return;
        dropQuarantined();
        // The pre-prepare that carried the request will most likely never prepare (f+1 replicas,
        // one of them correct, will not prepare it on their own), and the batches after it cannot
        // execute before it: rather than wait for the ordering deadline, suspect the primary now.
        // Suspect, not leave (issue 15 item 3's rule): f faulty replicas could aim their AUTH-FAILUREs
        // at one correct replica, which with one genuine complaint would count f+1 and leave alone.
        // Every correct replica that counts f+1 suspects too, and 2f+1 suspicions end the view.
        if (v == r.view && r.viewActive) {
            authFailureSuspicions++;
            r.views.suspect("f+1 AUTH-FAILUREs: client " + client + "'s request in its pre-prepare cannot prepare");
        }
    }

    /** Drops the held requests of clients quarantined under the current primary. */
    void dropQuarantined() {
        if (!r.quarantine.anyUnder(r.primary(), r.now)) return;
        for (Iterator<Map.Entry<Integer, Request>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, Request> e = it.next();
            if (!r.quarantine.quarantined(e.getKey(), r.primary(), r.now)) continue;
            pendingBytes -= e.getValue().operation().length;
            awaitingOrder.remove(e.getKey());
            it.remove();
        }
        // Nothing left to wait for: the view-change timer was running for these requests only.
        if (!r.timers.waitingForExecution() && r.viewActive && r.timers.viewChangeArmed) r.timers.disarmViewChange();
    }
}
