package io.bulwark.bft.core;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.AuthFailure;
import io.bulwark.bft.msg.BatchEntry;
import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.PrePrepareByDigest;
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.msg.RequestRef;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The three-phase agreement of section 4.2 and the in-order execution of committed batches: the
 * slots of the current view's log, pre-prepare / prepare / commit, and one outstanding execution
 * at a time. The batch bodies that travel by digest (a new view's decision, FETCH-BATCH) are in
 * {@link BatchBodies}.
 */
final class Agreement {
    private final Replica r;
    private final TreeMap<Long, Slot> log = new TreeMap<>();
    /** Executed batches with our commits, retained like the log but across views (see {@link Executed}). */
    final TreeMap<Long, Executed> executedLog = new TreeMap<>();
    final BatchBodies bodies;

    /** Highest sequence number known to be committed here. */
    long maxCommitted;
    /**
     * Highest sequence number prepared here (in any view) that may still take effect: read-only
     * requests wait until it is executed (see {@link RequestQueue#readsMayRun}). Lowered only by a
     * new view that frees those numbers (rule B), never by the view change itself.
     */
    long maxPrepared;
    /** Primary: the next sequence number to assign. */
    long nextSeq = 1;
    /** The last agreed time executed; execution time never goes backwards. */
    long agreedTime;
    /** Primary: the last time proposed. */
    private long proposedTime;
    /** Sequence number of the outstanding execution, or -1; {@code Long.MIN_VALUE} for a read-only one. */
    long executing = -1;
    private List<Request> executingRequests = List.of();
    /** AUTH-FAILUREs sent (metrics). */
    long authFailuresSent;
    /** Slots whose primary's pre-prepare names a request by digest not held here yet ({@link Slot#awaitingRequests}), by number. */
    private final TreeMap<Long, Slot> awaitingRequests = new TreeMap<>();
    /**
     * The same slots by the clients whose named request is missing: a request that arrives looks at
     * its own client's entries only (a faulty primary may fill the log with waiting pre-prepares).
     */
    private final Map<Integer, java.util.Set<Long>> awaitingByClient = new HashMap<>();
    /** Metrics: pre-prepares this primary sent naming requests by digest, and the requests so named. */
    long prePreparesByDigest, requestsByDigest;
    /** Metrics: pre-prepares by digest that waited here for a named request, and those completed by fetching their batch body. */
    long prePreparesAwaitedRequests, prePreparesFetchedBody;

    Agreement(Replica r) {
        this.r = r;
        this.bodies = new BatchBodies(r, this);
    }

    /** A saved state at checkpoint {@code seq}: as if everything up to it had committed and executed. */
    void restore(long seq) {
        maxCommitted = seq;
        maxPrepared = seq;
        nextSeq = seq + 1;
    }

    int logSize() { return log.size(); }

    /**
     * The numbers we may vote at before our pre-prepared records are durable (a backup's PREPARE, the primary's
     * PRE-PREPARE): up to {@code reservedUpTo} in {@code reservedView} ({@link LogEntry.VotesReserved}; -1: none).
     */
    private long reservedView = -1, reservedUpTo = -1;
    /**
     * After a restart: in {@code forgottenView}, numbers up to {@code forgottenUpTo} at which we may have
     * sent a PREPARE the journal lost; we take no part there ({@link Ignored#VOTE_FORGOTTEN}; -1: none).
     * As that view's primary we may have sent PRE-PREPAREs the journal lost, so we propose nothing in it
     * ({@link #proposalsForgotten}): the backups' timers move the group to the next view.
     */
    private long forgottenView = -1, forgottenUpTo = -1;
    /** Times {@link RequestQueue#sendBatches} found requests to order in a view whose proposals we forgot. */
    long proposalsWithheld;

    /**
     * Before our vote at {@code seq} leaves (a backup's PREPARE, the primary's PRE-PREPARE): journals a
     * reservation covering it, unless the last one (in this view) does. The vote waits for the reservation's
     * fsync, not for its own pre-prepared record.
     */
    void reserveVote(long seq) {
        if (reservedView == r.view && seq <= reservedUpTo) return;
        long upTo = Math.max(r.h + r.cfg.logSize(), seq);
        if (reservedView == r.view) upTo = Math.max(upTo, reservedUpTo);
        reservedView = r.view;
        reservedUpTo = upTo;
        r.persist(new LogEntry.VotesReserved(reservedView, reservedUpTo));
    }

    /** Replay ({@link LogReplay}): a reservation we journaled. */
    void replayedReservation(long view, long upTo) {
        if (view > reservedView || (view == reservedView && upTo > reservedUpTo)) {
            reservedView = view;
            reservedUpTo = upTo;
        }
    }

    /** Replay ({@link LogReplay}): a graceful stop; every vote before it was journaled, none is forgotten. */
    void replayedStop() {
        reservedView = -1;
        reservedUpTo = -1;
    }

    /**
     * Replay done: if our last reservation is in the view we are in (or changing to), PREPAREs we sent under
     * it may be lost with their pre-prepared records; we take no part at those numbers in that view.
     */
    void replayFinished() {
        if (reservedView == r.view) {
            forgottenView = reservedView;
            forgottenUpTo = reservedUpTo;
        }
    }

    /**
     * As primary after a restart, in the view whose reservation we replayed: PRE-PREPAREs we sent under it may
     * be lost with their records, and proposing again could give one number two batches in one view.
     */
    boolean proposalsForgotten() { return r.view == forgottenView; }

    /** For the journal's image ({@link Replica#logImage}): the reservation of the current view, or null. */
    LogEntry.VotesReserved reservation() {
        return reservedView == r.view ? new LogEntry.VotesReserved(reservedView, reservedUpTo) : null;
    }

    /** Replay ({@link LogReplay}): a batch we proposed as primary; numbers and times never go back. */
    void replayedProposal(PrePrepare pp) {
        nextSeq = Math.max(nextSeq, pp.seq() + 1);
        proposedTime = Math.max(proposedTime, NonDet.decodeTime(pp.nonDet()));
    }

    Slot slot(long seq) {
        Slot s = log.get(seq);
        if (s == null) {
            s = new Slot(seq, r.n);
            log.put(seq, s);
        }
        return s;
    }

    TreeMap<Long, Slot> log() { return log; }

    /** Log entries above this sequence number are still held (see {@link Checkpoints#makeStable}). */
    long retainedFrom() { return log.isEmpty() ? r.h : Math.min(r.h, log.firstKey() - 1); }

    // ---- the primary ----

    /** Primary: assigns the next sequence number to {@code batch} and multicasts its PRE-PREPARE. */
    void propose(List<Request> batch) {
        proposedTime = Math.max(proposedTime, r.now);
        byte[] nonDet = NonDet.encodeTime(proposedTime);
        Digest d = MessageCodec.batchDigest(batch, nonDet);
        PrePrepare pp = new PrePrepare(r.view, nextSeq, d, nonDet, List.copyOf(batch));
        Slot s = slot(nextSeq);
        s.digest = d;
        s.prePrepare = pp;
        nextSeq++;
        r.persist(new LogEntry.PrePrepared(pp));
        reserveVote(pp.seq());   // the PRE-PREPARE waits for the reservation, not for the record above
        // Large requests reached every backup from their clients: name them by digest rather than send
        // them again (the backups fetch the body if one did not; onPrePrepareByDigest).
        PrePrepareByDigest byDigest = PrePrepareByDigest.of(pp, r.cfg.requestByDigestBytes());
        if (byDigest == null) {
            r.out.add(new Action.Multicast(pp));
        } else {
            prePreparesByDigest++;
            for (BatchEntry e : byDigest.batch()) if (e instanceof RequestRef) requestsByDigest++;
            r.out.add(new Action.Multicast(byDigest));
        }
        r.timers.armRequestTimer();
        checkPrepared(s);
    }

    // ---- three phases, while the view is active ----

    void onPrePrepare(int from, PrePrepare pp, BitSet unverified) {
        if (pp.view() != r.view || from != r.primary()) {
            // Not a proposal we can act on; it may still carry a batch body we asked for.
            if (!bodies.offer(pp, unverified)) r.counters.ignore(pp.view() != r.view ? Ignored.WRONG_VIEW : Ignored.NOT_FROM_PRIMARY);
            return;
        }
        if (!r.acceptable(pp.view(), pp.seq())) return;
        if (r.isPrimary()) { r.counters.ignore(Ignored.NOT_FROM_PRIMARY); return; }
        Slot s = slot(pp.seq());
        if (s.digest != null) {
            if (!s.digest.equals(pp.digest())) r.counters.ignore(Ignored.CONFLICTING_PRE_PREPARE);
            else if (s.prePrepare == null) bodies.offer(pp, unverified);   // the body of a batch a new view selected
            return;
        }
        // The whole batch of a pre-prepare that waits here for a request named by digest: the primary's
        // answer to our FETCH-BATCH, or its retransmission (requestHeld and awaitedBody stop the wait first).
        if (s.awaitingRequests != null && s.awaitingRequests.digest().equals(pp.digest())) prePreparesFetchedBody++;
        if (pp.seq() <= r.lastExecuted && !sameAsExecuted(pp.seq(), pp.digest())) {
            // A correct primary never proposes a fresh batch at a number we executed (a new view
            // keeps every number where something may have committed; issue 18).
            r.counters.ignore(Ignored.BELOW_EXECUTED);
            return;
        }
        if (!validBatch(pp)) return;
        if (!timely(pp) && !vouchedByOthers(s, pp.digest())) {
            // Section 3 / [6]: backups check the primary's non-deterministic choice, but only a fresh
            // proposal can be held to our clock. A pre-prepare retransmitted long after it was proposed
            // (STATUS, to a replica that was cut off) carries its old time: it waits in its slot until
            // f+1 other backups prepare it — one of them is correct and checked the time when it was fresh.
            r.counters.ignore(Ignored.CLOCK_SKEW);
            stopAwaiting(s);
            s.parked = pp;
            return;
        }
        if (unverified != null && !unverified.isEmpty() && !authenticatedHere(s, pp, unverified)) return;
        acceptPrePrepare(s, pp);
    }

    /** A pre-prepare while changing views: not a proposal we can act on, but maybe a body we asked for. */
    void onPrePrepareWhileChanging(PrePrepare pp, BitSet unverified) {
        if (!bodies.offer(pp, unverified)) r.counters.ignore(Ignored.WRONG_VIEW);
    }

    // ---- requests named by digest (PrePrepareByDigest) ----

    /**
     * The primary's pre-prepare naming large requests by digest. A backup accepts it only as the full
     * pre-prepare it stands for, with every named request the copy its client sent it (authenticated on
     * arrival): a faulty primary cannot get a request prepared that no correct backup holds. If one is
     * not held yet, the pre-prepare waits in its slot: for the request ({@link #requestHeld}), or, after
     * a status period, for its batch body fetched by digest ({@link #fetchAwaitedBodies}) from the
     * primary or a backup that accepted it — a client may have sent its request to the primary alone.
     */
    void onPrePrepareByDigest(int from, PrePrepareByDigest pp, BitSet unverified) {
        if (pp.view() != r.view || from != r.primary()) {
            r.counters.ignore(pp.view() != r.view ? Ignored.WRONG_VIEW : Ignored.NOT_FROM_PRIMARY);
            return;
        }
        if (!r.acceptable(pp.view(), pp.seq())) return;
        if (r.isPrimary()) { r.counters.ignore(Ignored.NOT_FROM_PRIMARY); return; }
        PrePrepare full = withHeldRequests(pp);
        if (full != null) {
            onPrePrepare(from, full, unverified);
            return;
        }
        Slot s = slot(pp.seq());
        if (s.digest != null || s.parked != null || s.awaitingRequests != null) {
            if (s.digest != null && !s.digest.equals(pp.digest())) r.counters.ignore(Ignored.CONFLICTING_PRE_PREPARE);
            return;   // decided, or waiting already (a duplicate); a batch a new view selected is fetched by BatchBodies
        }
        // Checked now, not only when complete: a faulty primary must not make us fetch a body for nothing.
        if (!validEntries(pp)) return;
        s.awaitingRequests = pp;
        s.awaitingRequestsUnverified = unverified;
        s.awaitingRequestsSince = r.now;
        awaitingRequests.put(s.seq, s);
        for (BatchEntry e : pp.batch()) {
            if (e instanceof RequestRef ref && !ref.names(r.requests.pending(ref.client())))
                awaitingByClient.computeIfAbsent(ref.client(), c -> new java.util.HashSet<>()).add(s.seq);
            // The primary has ordered these: what is missing is a body, which comes by the client or by
            // FETCH-BATCH, not a proposal. Their ordering deadline stops here (a client that sends to the
            // primary alone must not make the backups suspect a primary that ordered its request).
            r.requests.named(e.client(), e.timestamp());
        }
        prePreparesAwaitedRequests++;
    }

    /** The checks of {@link #validBatch} that need no operation bytes, and the batch digest over the entries. */
    private boolean validEntries(PrePrepareByDigest pp) {
        List<BatchEntry> batch = pp.batch();
        if (batch.isEmpty() || batch.size() > r.cfg.maxBatchRequests()) { r.counters.ignore(Ignored.BAD_BATCH); return false; }
        for (BatchEntry e : batch) {
            if (e instanceof RequestRef ref && ref.readOnly() || e instanceof Request q && q.readOnly()) { r.counters.ignore(Ignored.READ_ONLY_IN_BATCH); return false; }
            if (e.client() < 0) { r.counters.ignore(Ignored.BAD_BATCH); return false; }
        }
        if (!NonDet.isTime(pp.nonDet())) { r.counters.ignore(Ignored.BAD_BATCH); return false; }
        if (!pp.batchDigest().equals(pp.digest())) { r.counters.ignore(Ignored.BAD_BATCH_DIGEST); return false; }
        return true;
    }

    /** The full pre-prepare {@code pp} stands for, each named request the copy its client sent us; null if one is not held. */
    private PrePrepare withHeldRequests(PrePrepareByDigest pp) {
        List<BatchEntry> entries = pp.batch();
        Request[] batch = new Request[entries.size()];
        for (int i = 0; i < batch.length; i++) {
            BatchEntry e = entries.get(i);
            if (e instanceof Request q) {
                batch[i] = q;
            } else {
                Request held = r.requests.pending(e.client());
                if (!((RequestRef) e).names(held)) return null;
                batch[i] = held;
            }
        }
        return pp.withRequests(List.of(batch));
    }

    /** A client's request is held here now: a pre-prepare that named it by digest may be complete. */
    void requestHeld(Request q) {
        java.util.Set<Long> seqs = awaitingByClient.get(q.client());
        if (seqs == null) return;
        for (Long seq : List.copyOf(seqs)) {
            Slot s = awaitingRequests.get(seq);
            if (s == null) continue;
            PrePrepare full = withHeldRequests(s.awaitingRequests);
            if (full != null) takeAwaited(s, full, s.awaitingRequestsUnverified);
            else for (BatchEntry e : s.awaitingRequests.batch()) if (e.client() == q.client()) r.requests.named(e.client(), e.timestamp());
        }
    }

    /**
     * The STATUS timer: a pre-prepare that has waited a status period for a named request asks for its
     * batch body by digest. The primary holds it, and so does every backup that accepted it.
     */
    void fetchAwaitedBodies() {
        for (Slot s : List.copyOf(awaitingRequests.values())) {
            if (r.now - s.awaitingRequestsSince < r.cfg.statusIntervalMs()) continue;
            PrePrepare body = bodies.get(s.awaitingRequests.digest());
            if (body != null) awaitedBody(body, null);
            else bodies.want(s.seq, s.awaitingRequests.digest());
        }
    }

    /**
     * A batch body with a digest some waiting pre-prepare names (checked against that digest by
     * {@link BatchBodies#offer}): its requests as the body carries them, with {@code unverified}
     * marking those whose authenticator entry did not verify here, as for any pre-prepare.
     */
    void awaitedBody(PrePrepare body, BitSet unverified) {
        if (awaitingRequests.isEmpty()) return;
        for (Slot s : List.copyOf(awaitingRequests.values())) {
            PrePrepareByDigest pp = s.awaitingRequests;
            if (!pp.digest().equals(body.digest())) continue;
            prePreparesFetchedBody++;
            takeAwaited(s, pp.withRequests(body.batch()), unverified);
        }
    }

    private void takeAwaited(Slot s, PrePrepare full, BitSet unverified) {
        stopAwaiting(s);
        if (!r.viewActive || full.view() != r.view) return;
        onPrePrepare(r.primary(), full, unverified);
    }

    private void stopAwaiting(Slot s) {
        if (s.awaitingRequests == null) return;
        for (BatchEntry e : s.awaitingRequests.batch()) {
            java.util.Set<Long> seqs = e instanceof RequestRef ? awaitingByClient.get(e.client()) : null;
            if (seqs != null && seqs.remove(s.seq) && seqs.isEmpty()) awaitingByClient.remove(e.client());
        }
        s.awaitingRequests = null;
        s.awaitingRequestsUnverified = null;
        awaitingRequests.remove(s.seq);
    }

    /** Pre-prepares waiting here for a request named by digest (tests, metrics). */
    int awaitingRequestsCount() { return awaitingRequests.size(); }

    /** The primary's proposed time is within the allowed skew of our clock. */
    private boolean timely(PrePrepare pp) {
        return Math.abs(NonDet.decodeTime(pp.nonDet()) - r.now) <= r.cfg.maxClockSkewMs();
    }

    private void acceptPrePrepare(Slot s, PrePrepare pp) {
        if (r.view == forgottenView && pp.seq() <= forgottenUpTo) {
            // We may have prepared another batch here before a crash and lost the record of it.
            r.counters.ignore(Ignored.VOTE_FORGOTTEN);
            stopAwaiting(s);
            s.parked = null;
            return;
        }
        stopAwaiting(s);
        bodies.bodyAccepted(pp);
        s.parked = null;
        s.digest = pp.digest();
        s.prePrepare = pp;
        for (Request q : pp.batch()) r.requests.ordered(q);
        s.myPrepare = new Prepare(r.view, pp.seq(), pp.digest(), r.id);
        s.prepares.put(r.id, pp.digest());
        r.persist(new LogEntry.PrePrepared(pp));
        reserveVote(pp.seq());
        r.out.add(new Action.Multicast(s.myPrepare));
        checkPrepared(s);
    }

    /**
     * A request in the primary's pre-prepare whose authenticator entry for us does not verify (the
     * frame layer marks it) is authentic all the same if we hold the same request as its client sent
     * it to us (checked on arrival), and harmless if we have executed that client's timestamp already
     * (it will be skipped). Otherwise section 4.2 says a backup does not accept the pre-prepare: it
     * waits in its slot until f+1 other backups prepare it — at least one of them is correct and
     * authenticated every request in it.
     * <p>
     * Whose fault it is we cannot tell yet: a correct client that just refreshed its key (a new
     * process under the same client id, or its first NEW-KEY) MACs its request with a key whose
     * NEW-KEY may reach us after the primary's pre-prepare does, on another connection (issue 15
     * item 2: a correct new client taken for a big-MAC one). So we wait for the key, bounded: if the
     * client's NEW-KEY arrives and the request verifies under it ({@link #clientKeyChanged}), it is
     * authenticated here; only what still fails at {@link Slot#complainAt} (a client retransmission
     * period or a status period, whichever is longer, rounded up to a status tick) in a pre-prepare
     * still parked — not vouched for by f+1 other backups, so it cannot prepare, and
     * not executed by f+1 others (see complainOverdue) — goes out as an AUTH-FAILURE, which counts towards
     * quarantining that client under this primary ({@link ClientQuarantine}).
     *
     * @return whether every request is authenticated here (or vouched for already)
     */
    private boolean authenticatedHere(Slot s, PrePrepare pp, BitSet unverified) {
        BitSet waiting = null;
        for (int i = unverified.nextSetBit(0); i >= 0 && i < pp.batch().size(); i = unverified.nextSetBit(i + 1)) {
            if (vouchedHere(pp.batch().get(i))) continue;
            if (waiting == null) waiting = new BitSet(pp.batch().size());
            waiting.set(i);
        }
        if (waiting == null) return true;
        r.counters.ignore(Ignored.UNAUTHENTICATED_REQUEST);
        if (vouchedByOthers(s, pp.digest())) return true;
        stopAwaiting(s);
        s.parked = pp;
        // Judged once per slot: a retransmitted pre-prepare neither pushes the deadline back nor starts
        // another wait (and another AUTH-FAILURE) after a complaint — it waits for the vouchers only.
        if (s.authJudged) return false;
        // Long enough for the client's next retransmission, which brings its NEW-KEY again to every
        // replica that has not acknowledged it (ClientCore.multicastOutstanding).
        if (s.awaitingKey == null) {
            s.awaitingSince = r.now;
            s.complainAt = r.now + Math.max(r.cfg.statusIntervalMs(), r.cfg.clientRetransmitMs());
        }
        s.awaitingKey = waiting;
        return false;
    }

    /**
     * Section 4.2: a pre-prepare this backup could not accept on its own (a request it could not
     * authenticate, a proposed time it cannot check) is accepted once f+1 other backups prepared it:
     * a correct one checked every request (or, by induction, relied on f+1 that included one that did).
     * (Accepting on f+1 other replicas' COMMITs as well was tried for issue 15 item 2 and made the
     * simulator's seed 3076 of {@code --adversary all}, a compromised replica recovering after a power
     * loss, fail its healed-state check; a replica behind catches up by its other paths instead.)
     */
    private boolean vouchedByOthers(Slot s, Digest d) {
        return s.preparesFor(d, r.primary(), r.id) >= r.cfg.weakQuorum();
    }

    /** We hold the same request from its client, or executed its timestamp already. */
    private boolean vouchedHere(Request q) {
        if (r.requests.holdsSame(q)) return true;
        CachedReply c = r.clients.get(q.client());
        return c != null && c.timestamp() >= q.timestamp();
    }

    /**
     * Client {@code client}'s new key is installed: the requests of that client that wait in a parked
     * pre-prepare are checked again ({@code authenticates}: the frame layer's check of our entry of
     * the request's authenticator, under the key now held). One that verifies is authentic; a
     * pre-prepare with nothing left waiting is accepted.
     */
    void clientKeyChanged(int client, java.util.function.Predicate<Request> authenticates) {
        for (Slot s : new ArrayList<>(log.values())) {
            if (s.awaitingKey == null) continue;
            PrePrepare pp = s.parked != null ? s.parked : s.prePrepare;
            if (pp == null) { s.awaitingKey = null; continue; }
            for (int i = s.awaitingKey.nextSetBit(0); i >= 0; i = s.awaitingKey.nextSetBit(i + 1)) {
                Request q = pp.batch().get(i);
                if (q.client() == client && authenticates.test(q)) s.awaitingKey.clear(i);
            }
            if (!s.awaitingKey.isEmpty()) continue;
            s.awaitingKey = null;
            if (s.digest == null && s.parked != null) acceptPrePrepare(s, s.parked);
        }
    }

    /**
     * The status tick: requests that waited for their client's key past {@link Slot#complainAt} and
     * still do not authenticate here are complained about, once (AUTH-FAILURE to every replica).
     */
    void complainOverdue() {
        for (Slot s : new ArrayList<>(log.values())) {
            if (!r.viewActive) return;   // a complaint made it an offence: we left the view, and the log with it
            if (s.awaitingKey == null || s.complainAt > r.now) continue;
            // Simulator seed 452 (f=2): a replica that rejoined the view got the pre-prepare, was cut off
            // again, and complained with what it knew from before: the others' commits for it had come
            // while it was still in the previous view (ignored), their last STATUS named the batch
            // before. Judge only on fresh news: STATUS from 2f others (reachable with f faulty silent)
            // since the wait began; a replica that hears nobody complains to nobody anyway.
            if (r.retransmission.heardSince(s.awaitingSince) < 2 * r.cfg.f()) {
                s.complainAt = r.now + r.cfg.statusIntervalMs();
                continue;
            }
            BitSet waiting = s.awaitingKey;
            s.awaitingKey = null;
            s.authJudged = true;
            // Accepted meanwhile because f+1 other backups prepared it (section 4.2: one of them is
            // correct and authenticated every request): nothing speaks against the client, and
            // nothing was lost. Only a pre-prepare that cannot prepare costs a view change.
            PrePrepare pp = s.parked;
            if (pp == null) continue;
            // Issue 15 item 2, found with short-lived clients (simulator seeds 85 and 119): a replica
            // that was stopped or cut off comes back behind and gets the primary's pre-prepares again
            // by retransmission. Their requests were MAC'd under the keys their clients had then; by
            // now each client may be a new process with a new key (the NEW-KEY that came in on the
            // reconnection replaced the one the request was made under, or a restart lost it), or the
            // NEW-KEY of that session never reached this replica. No key it will ever hold verifies the
            // request, yet the MAC is not wrong. If f+1 other replicas report having executed this
            // sequence number, one of them is correct: the batch committed, so it prepared and a
            // correct backup authenticated it. Nothing speaks against the client; this replica catches
            // up (their commits, state transfer). A big-MAC request never gets there: its pre-prepare
            // cannot prepare, so no correct replica executes past it, and f faulty reports are not enough.
            if (r.retransmission.executedElsewhere(s.seq) >= r.cfg.weakQuorum()) {
                r.counters.ignore(Ignored.AUTH_FAILURE_MOOT);
                continue;
            }
            for (int i = waiting.nextSetBit(0); i >= 0; i = waiting.nextSetBit(i + 1)) {
                Request q = pp.batch().get(i);
                if (vouchedHere(q)) continue;
                // A replica's recovery request (section 4.4) that does not verify here: its NEW-KEY after
                // the reboot has not reached us (seed 2642 of --adversary all: every replica lost power,
                // the recovering one was cut off again). Replicas are never quarantined (an AUTH-FAILURE
                // naming one is ignored everywhere), so a complaint would say nothing to anyone.
                if (q.client() < r.n) { r.counters.ignore(Ignored.AUTH_FAILURE_MOOT); continue; }
                authFailuresSent++;
                r.out.add(new Action.Multicast(new AuthFailure(r.id, r.view, s.seq, q.client(), q.timestamp())));
                r.requests.complaint(r.id, r.view, q.client());
                if (!r.viewActive) return;
            }
        }
    }

    private boolean validBatch(PrePrepare pp) {
        List<Request> batch = pp.batch();
        if (batch.isEmpty() || batch.size() > r.cfg.maxBatchRequests()) { r.counters.ignore(Ignored.BAD_BATCH); return false; }
        long bytes = 0;
        for (Request q : batch) {
            if (q.readOnly()) { r.counters.ignore(Ignored.READ_ONLY_IN_BATCH); return false; }
            // A replica's request in a batch can only be its recovery request (section 4.4).
            if (q.client() < 0 || (q.client() < r.n && RecoveryOp.decode(q.operation()) == null)) { r.counters.ignore(Ignored.BAD_BATCH); return false; }
            bytes += q.operation().length;
        }
        if (bytes > r.cfg.maxBatchBytes() + r.cfg.maxOperationBytes()) { r.counters.ignore(Ignored.BAD_BATCH); return false; }
        if (!NonDet.isTime(pp.nonDet())) { r.counters.ignore(Ignored.BAD_BATCH); return false; }
        if (!MessageCodec.batchDigest(batch, pp.nonDet()).equals(pp.digest())) { r.counters.ignore(Ignored.BAD_BATCH_DIGEST); return false; }
        // A replica's request must be signed by its co-processor (section 4.4: the recovery request is
        // <REQUEST, <RECOVERY, H_M>, t, i>σ_i). This is where the safety of the check rests (checked
        // last, after the cheap checks): a correct backup does not accept, hence never
        // prepares, a pre-prepare carrying a forged one, so a faulty primary cannot gather the 2f
        // prepares it needs (f+1 of them would come from correct backups) and never gets it
        // committed; it only costs itself a view change, like any bad batch. The predicate is
        // deterministic (Ed25519 verification of the same bytes under cluster.conf's keys), so
        // correct replicas agree on it; Recovery.execute applies it again for batches that arrive
        // committed by other routes, where every correct replica refuses identically.
        for (Request q : batch) if (q.client() < r.n && !r.recovery.authentic(q)) { r.counters.ignore(Ignored.FORGED_RECOVERY_REQUEST); return false; }
        return true;
    }

    void onPrepare(int from, Prepare p) {
        if (!r.fromReplica(from, p.replica())) return;
        r.catchUp.noteAhead(from, p.view(), p.seq());
        if (!r.acceptable(p.view(), p.seq())) return;
        if (from == r.primary()) { r.counters.ignore(Ignored.NOT_FROM_PRIMARY); return; }
        Slot s = slot(p.seq());
        s.prepares.add(from, p.digest());
        // A pre-prepare with a request we could not authenticate: f+1 other backups vouch for it.
        if (s.digest == null && s.parked != null && s.preparesFor(s.parked.digest(), r.primary(), r.id) >= r.cfg.weakQuorum()) acceptPrePrepare(s, s.parked);
        checkPrepared(s);
    }

    void onPrepareWhileChanging(int from, Prepare p) {
        if (!r.fromReplica(from, p.replica())) return;
        r.catchUp.noteAhead(from, p.view(), p.seq());
        r.wrongView(p.view());
    }

    void onCommit(int from, Commit c) {
        if (!r.fromReplica(from, c.replica())) return;
        if (r.catchUp.isCatchUpCommit(c)) { r.catchUp.onCatchUpCommit(from, c); return; }
        r.catchUp.noteAhead(from, c.view(), c.seq());
        if (!r.acceptable(c.view(), c.seq())) return;
        Slot s = slot(c.seq());
        s.commits.add(from, c.digest());
        checkCommitted(s);
    }

    void onCommitWhileChanging(int from, Commit c) {
        if (!r.fromReplica(from, c.replica())) return;
        if (r.catchUp.isCatchUpCommit(c)) { r.catchUp.onCatchUpCommit(from, c); return; }
        r.catchUp.noteAhead(from, c.view(), c.seq());
        r.wrongView(c.view());
    }

    /** Prepared: pre-prepared and 2f matching prepares from different backups (the primary's pre-prepare is its vote). */
    void checkPrepared(Slot s) {
        if (s.prepared || s.digest == null || s.matchingPrepares(r.primary()) < r.cfg.quorum() - 1) return;
        s.prepared = true;
        maxPrepared = Math.max(maxPrepared, s.seq);
        s.myCommit = new Commit(r.view, s.seq, s.digest, r.id);
        s.commits.put(r.id, s.digest);
        r.persist(new LogEntry.Prepared(r.view, s.seq, s.digest));
        r.out.add(new Action.Multicast(s.myCommit));
        checkCommitted(s);
    }

    /** Committed: prepared and 2f+1 matching commits (including our own). */
    private void checkCommitted(Slot s) {
        if (s.committed || !s.prepared || s.matchingCommits() < r.cfg.quorum()) return;
        s.committed = true;
        maxCommitted = Math.max(maxCommitted, s.seq);
        r.persist(new LogEntry.Committed(r.view, s.seq, s.digest));
        executeCommitted();
    }

    /** Whether this replica executed {@code digest} at {@code seq} (known while its own commit is retained). */
    boolean sameAsExecuted(long seq, Digest digest) {
        Executed e = executedLog.get(seq);
        return e != null && e.body().digest().equals(digest);
    }

    // ---- execution ----

    /** Executes committed batches in sequence order, one outstanding execution at a time. */
    void executeCommitted() {
        if (executing != -1 || r.catchUp.transferring() || r.catchUp.corrupt) return;
        long seq = r.lastExecuted + 1;
        Slot s = log.get(seq);
        PrePrepare body;
        Commit commit;
        if (s != null && s.committed) {
            Executed before = executedLog.get(seq);
            if (before != null && !before.body().digest().equals(s.digest)) {
                // Re-executing after a rollback, a batch other than the one our own commit certified
                // here: executing it would diverge; our state is repaired by transfer instead.
                r.counters.ignore(Ignored.EXECUTION_CONFLICT);
                r.catchUp.markCorrupt();
                return;
            }
            if (s.prePrepare == null) {   // committed by digest; the body comes later
                PrePrepare b = bodies.get(s.digest);
                if (b == null) { bodies.want(s.seq, s.digest); return; }
                s.takeBody(r.view, b);
                r.persist(new LogEntry.PrePrepared(s.prePrepare));
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
            body = r.catchUp.certifiedBody(seq);
            if (body == null) return;
            commit = null;
        }
        if (commit != null) executedLog.put(seq, new Executed(body, commit));
        List<Request> batch = body.batch();
        List<Request> run = new ArrayList<>(batch.size());
        Map<Integer, Long> seen = null;
        agreedTime = Math.max(agreedTime, NonDet.decodeTime(body.nonDet()));
        for (Request q : batch) {
            CachedReply c = r.clients.get(q.client());
            if (c != null && c.timestamp() >= q.timestamp()) continue;   // exactly once
            if (!r.clients.admits(q.client())) { r.counters.ignore(Ignored.CLIENT_TABLE_FULL); continue; }
            if (seen == null) seen = new HashMap<>();
            Long prior = seen.get(q.client());
            if (prior != null && prior >= q.timestamp()) continue;
            seen.put(q.client(), q.timestamp());
            // A replica's request is a recovery request (section 4.4): the engine's own, run here, not by the service.
            if (q.client() < r.n) r.recovery.execute(q, seq, agreedTime);
            else run.add(q);
        }
        executing = seq;
        executingRequests = run;
        r.out.add(new ReplicaAction.Execute(seq, NonDet.encodeTime(agreedTime), run, seq % r.cfg.checkpointInterval() == 0));
    }

    /** The driver finished the outstanding execution of {@code seq}. */
    void executed(long seq, List<byte[]> results) {
        if (seq != executing || results.size() != executingRequests.size())
            throw new IllegalStateException("executed(" + seq + ") does not match the outstanding execution " + executing);
        for (int i = 0; i < results.size(); i++) {
            Request q = executingRequests.get(i);
            byte[] result = results.get(i);
            r.clients.put(q.client(), q.timestamp(), result);
            r.requests.executed(q);
            r.out.add(new Action.Send(q.client(), r.reply(q, result, false)));
        }
        executing = -1;
        executingRequests = List.of();
        r.lastExecuted = seq;
        r.catchUp.lastProgressAt = r.now;
        if (!results.isEmpty() && r.viewActive) r.timers.progress();
        if (seq % r.cfg.checkpointInterval() == 0) {
            r.clients.write(r.state.engine(), agreedTime);
            r.checkpoints.take(seq, r.tree.checkpoint(seq));
        }
        if (r.catchUp.caughtUpToTarget()) r.catchUp.maybeTransfer();   // caught up by executing
        r.afterProgress();
    }

    void executeReadOnly(Request q) {
        executing = Long.MIN_VALUE;
        r.out.add(new ReplicaAction.ExecuteReadOnly(q));
    }

    void executedReadOnly() {
        if (executing != Long.MIN_VALUE) throw new IllegalStateException("no read-only execution outstanding");
        executing = -1;
    }

    /** The outstanding execution failed; true if it was an ordered batch (the state may be damaged). */
    boolean executionFailed() {
        boolean ordered = executing != Long.MIN_VALUE;
        executing = -1;
        executingRequests = List.of();
        return ordered;
    }

    // ---- garbage collection and views ----

    /** A checkpoint became stable and the log moved up from {@code previous}: entries at or below it go. */
    void truncate(long previous) {
        log.headMap(previous, true).clear();
        // Nothing at or below the stable checkpoint can be accepted any more (Replica.acceptable).
        for (Slot s : List.copyOf(awaitingRequests.headMap(r.h, true).values())) stopAwaiting(s);
        executedLog.headMap(previous, true).clear();
    }

    /**
     * Section 4.1: after a key refresh, certificates hold only equally fresh messages. Votes of others
     * in certificates not yet complete go (they come again under the new keys, by retransmission);
     * our own stay, as does the pre-prepare we prepared.
     */
    void keysRefreshed() {
        for (Slot s : log.values()) {
            if (!s.prepared) s.prepares.retainOnly(r.id);
            if (!s.committed) s.commits.retainOnly(r.id);
        }
    }

    /** Estimation (section 4.4): entries above H_M may be corrupt; they go. */
    void discardAbove(long hm) {
        log.tailMap(hm, false).clear();
        maxPrepared = Math.min(maxPrepared, Math.max(r.lastExecuted, hm));
        maxCommitted = Math.min(maxCommitted, Math.max(r.lastExecuted, hm));
    }

    /** The view's log goes (a view change, or a new view's fresh log). */
    void clearLog() {
        log.clear();
        awaitingRequests.clear();
        awaitingByClient.clear();
    }
}
