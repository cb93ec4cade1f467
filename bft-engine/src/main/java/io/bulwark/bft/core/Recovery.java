package io.bulwark.bft.core;

import io.bulwark.bft.msg.Reply;
import io.bulwark.bft.msg.Request;
import java.util.Arrays;

/**
 * Proactive recovery at the core (section 4.4), after the reboot and the key refresh the driver
 * does, and after {@link Estimation} found H_M:
 * <ol>
 *   <li><b>Send recovery request.</b> The recovering replica i sends
 *       {@code <REQUEST, <RECOVERY, H_M>, t, i>σ_i} with itself as client: its co-processor signs
 *       (i, RECOVERY, H_M) with its counter t ({@link ReplicaAction.SignRecovery}), and t is the
 *       timestamp, so the client table refuses replays. It is ordered like any request, at n_R. Its
 *       MACs are not enough: they use keys the others chose for i before its reboot (they refresh on
 *       executing it), known to whoever compromised i; only the signature ({@link #authentic}) makes a
 *       recovery request i's.</li>
 *   <li><b>Others execute it</b> ({@link #execute}, deterministic, part of the replicated state): they
 *       refuse a replay (exactly once, by timestamp) and a request less than the agreed spacing after
 *       i's last accepted one (half the watchdog period in the paper), refresh their own keys
 *       ({@link ReplicaAction.RefreshKeys}) — the attacker knew the keys they shared with i — and
 *       reply with n_R.</li>
 *   <li><b>Recovery point.</b> With 2f+1 equal replies, H_R = floor(n_R / K) * K + L and
 *       H = max(H_M, H_R).</li>
 *   <li><b>Recovered</b> when the checkpoint at H is stable: every other replica can tell too, which
 *       times the recovery; one that takes longer than {@link #alertAfterMs} is reported (a notice and
 *       a counter): the paper's detection of a denial-of-service that slows recovery down.</li>
 * </ol>
 * Checking and fetching the state is the existing machinery (a driver that checked its pages calls
 * {@code Replica.checkState}; a checkpoint that disagrees with the stable one starts a transfer).
 */
final class Recovery {
    /** Alert threshold when the driver sets none: a recovery (or a peer's) lasting longer is reported. */
    static final long DEFAULT_ALERT_AFTER_MS = 120_000;
    private static final long NONE = Long.MIN_VALUE;

    private final Replica r;
    /** The co-processors' public keys, by replica (cluster.conf's signing keys); null: none configured, every recovery request refused. */
    private byte[][] signers;

    // ---- our own recovery ----
    private boolean active;
    private long counter;
    private long hm = -1;
    /** H_M is known and the co-processor was asked to sign; the request waits for {@link #signed}. */
    private boolean signing;
    private Request request;
    private final byte[][] replies;
    private long point = NONE;
    private boolean alerted;
    /** Times of the phases of the last recovery: started, estimated, request answered, recovered (NONE until reached). */
    final long[] phases = {NONE, NONE, NONE, NONE};
    long refused, completed;

    // ---- others' recoveries ----
    private final long[] peerPoint, peerSince;
    private final boolean[] peerAlerted;
    long peerRecoveries, slowRecoveries;
    long alertAfterMs = DEFAULT_ALERT_AFTER_MS;

    Recovery(Replica r) {
        this.r = r;
        this.replies = new byte[r.n][];
        this.peerPoint = new long[r.n];
        this.peerSince = new long[r.n];
        this.peerAlerted = new boolean[r.n];
        Arrays.fill(peerPoint, NONE);
    }

    boolean active() { return active; }

    /** The recovery point H once known, else -1. */
    long point() { return point == NONE ? -1 : point; }

    /** The co-processors' public keys, one per replica (section 4.4: every replica checks a recovery request's signature). */
    void signers(byte[][] keys) {
        if (keys.length != r.n) throw new IllegalArgumentException(keys.length + " co-processor keys for " + r.n + " replicas");
        byte[][] copy = new byte[r.n][];
        for (int j = 0; j < r.n; j++) {
            if (!io.bulwark.bft.crypto.Signatures.isValidPublicKey(keys[j])) throw new IllegalArgumentException("replica " + j + "'s co-processor key is not an Ed25519 public key");
            copy[j] = keys[j].clone();
        }
        signers = copy;
    }

    /**
     * Whether {@code q}, a request whose client is a replica, is that replica's recovery request:
     * a well-formed RECOVERY operation whose signature is the replica's co-processor's over its id,
     * H_M and the request's timestamp (section 4.4). Deterministic: the same bytes and the same
     * configured keys give the same answer at every correct replica.
     */
    boolean authentic(Request q) {
        RecoveryOp op = RecoveryOp.decode(q.operation());
        return op != null && signers != null && q.client() >= 0 && q.client() < r.n && op.signedBy(signers[q.client()], q.client(), q.timestamp());
    }

    /** Starts a recovery: estimation first ({@code nonce}), then the request, signed once H_M is known. */
    void start(long nonce) {
        active = true;
        counter = -1;
        hm = -1;
        signing = false;
        request = null;
        point = NONE;
        alerted = false;
        Arrays.fill(replies, null);
        Arrays.fill(phases, NONE);
        phases[0] = r.now;
        r.estimation.start(nonce);
    }

    /** Estimation found H_M: the co-processor signs the recovery request ({@link #signed} sends it). */
    void estimated(long hm) {
        if (!active || request != null || signing) return;
        this.hm = hm;
        phases[1] = r.now;
        signing = true;
        r.out.add(new ReplicaAction.SignRecovery(RecoveryOp.signedPayload(r.id, hm)));
    }

    /**
     * The co-processor signed our recovery request with its counter {@code t}: the request, with
     * timestamp t, goes out. False (nothing sent) when no signature was asked for, or when t is not
     * above our last recovery request in the client table (a co-processor whose counter went back:
     * the group would refuse it as a replay; estimation has protected the log, the operator is told).
     */
    boolean signed(long t, byte[] signature) {
        if (!active || !signing || request != null) return false;
        signing = false;
        CachedReply last = r.clients.get(r.id);
        if (last != null && t <= last.timestamp()) {
            r.notice(new Notice.RecoveryWithoutRequest(t, last.timestamp()));
            active = false;
            return false;
        }
        counter = t;
        request = new Request(r.id, t, false, Request.ALL_REPLY, new RecoveryOp(hm, signature).encode(), null);
        r.notice(new Notice.RecoveryRequested(hm, t));
        send();
        return true;
    }

    private void send() {
        r.out.add(new Action.Multicast(request));   // the driver's frame layer computes its authenticator
        // Held here too, so that we vouch for it in the primary's pre-prepare — and, should we be the
        // primary, order it. Our copy has no authenticator (we cannot MAC to ourselves through the
        // core): its entries are zero, and the backups accept it in our pre-prepare because they hold
        // the copy we multicast (Agreement.vouchedHere); one that missed it waits for f+1 of them.
        r.requests.onRequest(r.id, request.withAuth(new byte[r.n * io.bulwark.bft.crypto.MacAlgorithm.TAG_LENGTH]));
    }

    /** Every status period: the request again until 2f+1 answered; alerts; peers' recoveries. */
    void onStatusTimer() {
        if (active && request != null && point == NONE) send();
        check();
    }

    /** A reply to our recovery request ({@code from} may be ourselves: we execute it too). */
    void onReply(int from, Reply rp) {
        if (from < 0 || from >= r.n || rp.replica() != from || rp.client() != r.id) { r.counters.ignore(Ignored.BAD_RECOVERY_REPLY); return; }
        if (!active || request == null || point != NONE) { r.counters.ignore(Ignored.STALE_REPLY); return; }   // late: 2f+1 answered already
        if (rp.timestamp() != counter || rp.digestOnly() || RecoveryOp.Result.decode(rp.result()) == null) {
            r.counters.ignore(Ignored.BAD_RECOVERY_REPLY);
            return;
        }
        replies[from] = rp.result();
        int same = 0;
        for (byte[] x : replies) if (x != null && Arrays.equals(x, rp.result())) same++;
        if (same < r.cfg.quorum()) return;
        RecoveryOp.Result res = RecoveryOp.Result.decode(rp.result());
        phases[2] = r.now;
        long hr = recoveryPoint(res.seq());
        if (res.status() == RecoveryOp.Status.ACCEPTED) {
            point = Math.max(hm, hr);
        } else {
            // Refused (too soon after our last one): nobody refreshed keys for us; we still hold back up to H_M.
            point = hm;
            refused++;
        }
        r.notice(new Notice.RecoveryPoint(res.status().name(), res.seq(), hm, point));
        check();
    }

    /** H_R: the highest high-water mark the log can have had when the request executed at {@code seq}. */
    private long recoveryPoint(long seq) {
        long k = r.cfg.checkpointInterval();
        return Math.floorDiv(seq, k) * k + r.cfg.logSize();
    }

    /**
     * Executes a recovery request ordered at {@code seq} (at every replica, the recovering one
     * included): refuses what the replicated state says to refuse, records the result in the client
     * table, answers, and — when accepted from another replica — refreshes our keys.
     */
    void execute(Request q, long seq, long agreedTime) {
        if (!authentic(q)) {
            // Unreachable through a pre-prepare a correct backup accepted (Agreement.validBatch), but a
            // batch may come committed by another route (a catch-up's certificate, the journal); the
            // same deterministic check refuses it at every correct replica alike, and it changes
            // nothing: not the client table, not the refusal window, no reply, no key refresh.
            r.counters.ignore(Ignored.FORGED_RECOVERY_REQUEST);
            r.requests.refused(q);
            return;
        }
        RecoveryOp op = RecoveryOp.decode(q.operation());
        CachedReply prev = r.clients.get(q.client());
        RecoveryOp.Result before = prev == null ? null : RecoveryOp.Result.decode(prev.result());
        long lastAccepted = before == null ? NONE : before.acceptedAt();
        RecoveryOp.Status status;
        if (lastAccepted != NONE && agreedTime - lastAccepted < r.cfg.recoverySpacingMs()) status = RecoveryOp.Status.TOO_SOON;
        else status = RecoveryOp.Status.ACCEPTED;
        RecoveryOp.Result res = new RecoveryOp.Result(status, seq, status == RecoveryOp.Status.ACCEPTED ? agreedTime : lastAccepted);
        byte[] result = res.encode();
        r.clients.put(q.client(), q.timestamp(), result);
        r.requests.executed(q);
        Reply reply = r.reply(q, result, false);
        if (q.client() == r.id) onReply(r.id, reply);
        else r.out.add(new Action.Send(q.client(), reply));
        if (status != RecoveryOp.Status.ACCEPTED) return;
        if (q.client() != r.id) peerRecovers(q.client(), seq, Math.max(op.hm(), recoveryPoint(seq)));
    }

    /** Replica {@code j}'s recovery request took effect here (executed at {@code seq}): our keys go, its recovery is timed until {@code h} is stable. */
    private void peerRecovers(int j, long seq, long h) {
        peerPoint[j] = h;
        peerSince[j] = r.now;
        peerAlerted[j] = false;
        r.out.add(new ReplicaAction.RefreshKeys(j));
        r.notice(new Notice.PeerRecovering(j, seq, h));
    }

    /**
     * A state transfer installed a client table: a recovery request it reflects that we did not
     * execute ourselves (a newer timestamp of another replica, accepted) means that replica recovers,
     * and we refresh our keys as if we had executed it (section 4.4).
     */
    void stateInstalled(long[] acceptedBefore) {
        for (int j = 0; j < r.n; j++) {
            if (j == r.id) continue;
            CachedReply c = r.clients.get(j);
            RecoveryOp.Result res = c == null ? null : RecoveryOp.Result.decode(c.result());
            if (res == null || res.status() != RecoveryOp.Status.ACCEPTED || c.timestamp() <= acceptedBefore[j]) continue;
            peerRecovers(j, res.seq(), recoveryPoint(res.seq()));
        }
    }

    /** The timestamps of the replicas' last recovery requests in the client table (before a transfer replaces it). */
    long[] recoveryTimestamps() {
        long[] t = new long[r.n];
        for (int j = 0; j < r.n; j++) {
            CachedReply c = r.clients.get(j);
            t[j] = c == null ? -1 : c.timestamp();
        }
        return t;
    }

    /** Recovered (ours or a peer's) once the checkpoint at its recovery point is stable; alerts for slow ones. */
    void check() {
        long stable = r.checkpoints.stableSeq;
        if (active) {
            if (point != NONE && stable >= point && !r.estimation.running() && r.estimation.limit() == Estimation.TRUSTED) {
                active = false;
                completed++;
                phases[3] = r.now;
                r.notice(new Notice.RecoveryCompleted(point, stable, r.now - phases[0], phases[1] - phases[0], phases[2] - phases[1], r.now - phases[2]));
            } else if (!alerted && r.now - phases[0] > alertAfterMs) {
                alerted = true;
                slowRecoveries++;
                r.notice(new Notice.RecoverySlow(r.id, r.now - phases[0], point()));
            }
        }
        for (int j = 0; j < r.n; j++) {
            if (peerPoint[j] == NONE) continue;
            if (stable >= peerPoint[j]) {
                peerRecoveries++;
                r.notice(new Notice.PeerRecovered(j, peerPoint[j], r.now - peerSince[j]));
                peerPoint[j] = NONE;
            } else if (!peerAlerted[j] && r.now - peerSince[j] > alertAfterMs) {
                peerAlerted[j] = true;
                slowRecoveries++;
                r.notice(new Notice.RecoverySlow(j, r.now - peerSince[j], peerPoint[j]));
            }
        }
    }
}
