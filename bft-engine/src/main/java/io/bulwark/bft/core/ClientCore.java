package io.bulwark.bft.core;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.KeyAck;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.Reply;
import io.bulwark.bft.msg.Request;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The client state machine (sections 4.2 and 4.6.1, client side): a pure core with one request
 * outstanding at a time.
 * <p>
 * An ordered request goes to every replica (the primary orders it; the backups watch that it does);
 * the result is accepted with f+1 matching replies. A
 * read-only request is multicast; it needs 2f+1 matching replies, and falls back to an ordered
 * request when it cannot get them before the retransmission timer fires. With the reply-digest
 * optimization one designated replica sends the full result and the others its digest; on
 * retransmission every replica is asked for the full result.
 */
public final class ClientCore {
    private final int id;
    private final ProtocolConfig cfg;
    private final int n;
    private final Counters counters = new Counters();
    private final Outbox<ClientAction> out = new Outbox<>();

    private long view;
    private long timestamp;
    private Request outstanding;
    private boolean orderedFallback;
    private final Reply[] replies;
    private long sent;
    private int retransmissions;
    /** Per replica: do not designate it as the replier before this timestamp (it failed to send a full result). */
    private final long[] avoidReplierUntil;
    private static final int AVOID_REPLIER_REQUESTS = 256;

    // ---- the client's key at the replicas (issue 15 item 2) ----
    /** The counter of the NEW-KEY the replicas must acknowledge, or 0 when the driver manages keys itself (no gating). */
    private long keyCounter;
    /** Replicas (bit j) that acknowledged {@link #keyCounter}. */
    private long keyAcked;
    /** Whether requests may go out: every replica, or 2f+1 after the grace, acknowledged the key. */
    private boolean keyReady = true;
    private long keySentAt;
    private int keyRetransmissions;
    /** The outstanding request was held back (not multicast yet) because the key was not ready. */
    private boolean held;

    /**
     * @param firstTimestamp timestamps continue above this value; a client that restarts must pass
     *                       a value above every timestamp it used before (e.g. its clock in µs)
     */
    public ClientCore(int id, ProtocolConfig cfg, long firstTimestamp) {
        this.cfg = cfg;
        this.n = cfg.n();
        if (id < n) throw new IllegalArgumentException("client ids start at n = " + n + ", was " + id);
        this.id = id;
        this.timestamp = firstTimestamp;
        this.replies = new Reply[n];
        this.avoidReplierUntil = new long[n];
    }

    public boolean busy() { return outstanding != null; }

    /**
     * The driver sent a NEW-KEY with co-processor counter {@code counter} to every replica (a fresh
     * client, or new keys). Requests are held back until replicas acknowledge it (KEY-ACK): all n, or
     * 2f+1 once {@code clientRetransmitMs} passed since it was sent — a backup that gets the client's
     * request inside the primary's pre-prepare before the client's key cannot authenticate it, and
     * would take a correct client for a big-MAC one (issue 15 item 2). The rest of the replicas get
     * the NEW-KEY again ({@link ClientAction.SendNewKey}) with the retransmission backoff.
     */
    public void newKey(long now, long counter) {
        if (counter < 1) throw new IllegalArgumentException("NEW-KEY counter " + counter);
        keyCounter = counter;
        keyAcked = 0;
        keyReady = false;
        keySentAt = now;
        keyRetransmissions = 0;
        if (outstanding != null && !held) held = true;   // not sent under the old key again
        out.add(new Action.SetTimer(TimerKind.CLIENT_KEY, now + cfg.clientRetransmitMs()));
    }

    /** Whether requests go out now: the current key is acknowledged (see {@link #newKey}). */
    public boolean keyReady() { return keyReady; }

    /** How many replicas acknowledged the current key. */
    public int keyAcks() { return Long.bitCount(keyAcked); }

    /** The replicas (bit j) that acknowledged the current key. */
    public long keyAckedBy() { return keyAcked; }

    private void onKeyAck(long now, int from, KeyAck a) {
        if (from < 0 || from >= n || a.replica() != from || a.client() != id) { counters.ignore(Ignored.BAD_REPLY); return; }
        if (a.counter() != keyCounter) { counters.ignore(Ignored.STALE_REPLY); return; }
        keyAcked |= 1L << from;
        checkKeyReady(now);
    }

    private void checkKeyReady(long now) {
        if (keyReady) return;
        int acks = Long.bitCount(keyAcked);
        if (acks < n && (acks < cfg.quorum() || now - keySentAt < cfg.clientRetransmitMs())) return;
        keyReady = true;
        if (outstanding != null && held) {
            held = false;
            sent = now;
            multicastOutstanding();
            out.add(new Action.SetTimer(TimerKind.CLIENT_RETRANSMIT, now + cfg.clientRetransmitMs()));
        }
    }

    private void onKeyTimer(long now) {
        if (keyCounter == 0 || Long.bitCount(keyAcked) == n) return;
        checkKeyReady(now);
        // Every replica should hold the key (the ones that do not complain about our requests); ask again.
        for (int j = 0; j < n; j++) if ((keyAcked & (1L << j)) == 0) out.add(new ClientAction.SendNewKey(j));
        keyRetransmissions++;
        long backoff = cfg.clientRetransmitMs() << Math.min(keyRetransmissions, 4);
        out.add(new Action.SetTimer(TimerKind.CLIENT_KEY, now + backoff));
    }

    /**
     * Sends the outstanding request to every replica. A replica that has not acknowledged our key
     * gets the NEW-KEY again first, on the same connection (issue 15 item 2, simulator seed 291): we
     * went ahead with 2f+1 acknowledgements, and a backup without our key that receives this request
     * inside the primary's pre-prepare waits for the key before it complains; the key timer's backoff
     * alone could leave it waiting past that.
     */
    private void multicastOutstanding() {
        if (keyCounter != 0) for (int j = 0; j < n; j++) if ((keyAcked & (1L << j)) == 0) out.add(new ClientAction.SendNewKey(j));
        out.add(new Action.Multicast(outstanding));
    }

    /** Starts a request; returns its timestamp. */
    public long invoke(long now, byte[] operation, boolean readOnly) {
        if (outstanding != null) throw new IllegalStateException("client " + id + " already has a request outstanding");
        if (operation.length > cfg.maxOperationBytes())
            throw new IllegalArgumentException("operation of " + operation.length + " bytes exceeds the limit of " + cfg.maxOperationBytes());
        timestamp++;
        // The designated replier rotates so that no single replica carries every full result; a replica
        // that recently left a designated full result missing is passed over for a while.
        int replier = (int) Math.floorMod(timestamp + id, (long) n);
        for (int k = 0; k < n && avoidReplierUntil[replier] > timestamp; k++) replier = (replier + 1) % n;
        outstanding = new Request(id, timestamp, readOnly, replier, operation, null);
        orderedFallback = false;
        retransmissions = 0;
        Arrays.fill(replies, null);
        sent = now;
        if (!keyReady) {
            held = true;   // goes out once the replicas hold our key (checkKeyReady)
            return timestamp;
        }
        held = false;
        // Ordered requests go to every replica too (as in Aardvark): backups then know of the request
        // at once and can demand that the primary order it promptly (Replica's ordering deadline).
        multicastOutstanding();
        out.add(new Action.SetTimer(TimerKind.CLIENT_RETRANSMIT, now + cfg.clientRetransmitMs()));
        return timestamp;
    }

    public void receive(long now, int from, Message m) {
        if (m instanceof KeyAck a) { onKeyAck(now, from, a); return; }
        if (!(m instanceof Reply r)) { counters.ignore(Ignored.UNEXPECTED_MESSAGE); return; }
        if (from < 0 || from >= n || r.replica() != from || r.client() != id) { counters.ignore(Ignored.BAD_REPLY); return; }
        if (outstanding == null || r.timestamp() != outstanding.timestamp()) { counters.ignore(Ignored.STALE_REPLY); return; }
        // Once fallen back to an ordered request, read-only answers no longer count.
        if (r.readOnly() != (outstanding.readOnly() && !orderedFallback)) { counters.ignore(Ignored.STALE_REPLY); return; }
        if (r.digestOnly() && r.result().length != Digest.LENGTH) { counters.ignore(Ignored.BAD_REPLY); return; }
        if (!r.digestOnly() && r.result().length > cfg.maxResultBytes()) { counters.ignore(Ignored.BAD_REPLY); return; }
        Reply prior = replies[from];
        // A full result supersedes a digest from the same replica; otherwise the first reply counts.
        if (prior != null && !(prior.digestOnly() && !r.digestOnly())) return;
        replies[from] = r;
        tryComplete(now);
        if (outstanding != null && !(outstanding.readOnly() && !orderedFallback)) askAllIfReplierSilent(now);
        if (outstanding != null && outstanding.readOnly() && !orderedFallback && !quorumStillPossible()) {
            // Replicas answered from different points in the order (e.g. a write of ours is executed
            // at some but not all): 2f+1 matching read-only replies can no longer come, so order it now.
            fallBackToOrdered(now);
        }
    }

    /**
     * Whether some result can still gather 2f+1 matching replies including a full one: its group
     * plus the replicas yet to answer must reach 2f+1, and the full result must be there already or
     * still able to come (only the designated replier sends it; once that replica answered
     * something else, the group can never complete).
     */
    private boolean quorumStillPossible() {
        int answered = 0;
        for (Reply a : replies) if (a != null) answered++;
        int replier = outstanding.replier();
        boolean replierPending = replier == Request.ALL_REPLY || replies[replier] == null;
        if (answered == 0) return true;
        for (Reply a : replies) {
            if (a == null) continue;
            int same = matching(a);
            boolean hasFull = false;
            for (Reply b : replies) hasFull |= b != null && !b.digestOnly() && Arrays.equals(replyDigest(a), replyDigest(b));
            if (same + (n - answered) >= cfg.quorum() && (hasFull || replierPending)) return true;
        }
        // A result nobody has sent yet could still win only if 2f+1 replicas have not answered.
        return n - answered >= cfg.quorum();
    }

    /**
     * 2f+1 replicas sent matching result digests but the designated replier sent no full result: it
     * is faulty or slow. Rather than wait for the retransmission timeout, ask every replica for the
     * full result at once (they resend their cached reply), and stop designating that replica for a
     * while. Without this a silent backup costs one retransmission timeout in every n requests.
     */
    private void askAllIfReplierSilent(long now) {
        int replier = outstanding.replier();
        if (replier == Request.ALL_REPLY || replies[replier] != null) return;
        int best = 0;
        for (Reply a : replies) {
            if (a != null && a.digestOnly()) best = Math.max(best, matching(a));
        }
        if (best < cfg.quorum()) return;
        avoidReplierUntil[replier] = outstanding.timestamp() + AVOID_REPLIER_REQUESTS;
        outstanding = new Request(id, outstanding.timestamp(), false, Request.ALL_REPLY, outstanding.operation(), null);
        multicastOutstanding();
    }

    /** Replies (full or digest) whose result matches {@code a}'s. */
    private int matching(Reply a) {
        byte[] d = replyDigest(a);
        int same = 0;
        for (Reply b : replies) if (b != null && Arrays.equals(d, replyDigest(b))) same++;
        return same;
    }

    private static byte[] replyDigest(Reply r) {
        return r.digestOnly() ? r.result() : MessageCodec.resultDigest(r.result()).bytes();
    }

    private void fallBackToOrdered(long now) {
        retransmissions++;
        orderedFallback = true;
        outstanding = new Request(id, outstanding.timestamp(), false, Request.ALL_REPLY, outstanding.operation(), null);
        Arrays.fill(replies, null);
        multicastOutstanding();
        out.add(new Action.SetTimer(TimerKind.CLIENT_RETRANSMIT, now + cfg.clientRetransmitMs()));
    }

    public void timeout(long now, TimerKind kind) {
        if (kind == TimerKind.CLIENT_KEY) { onKeyTimer(now); return; }
        if (kind != TimerKind.CLIENT_RETRANSMIT || outstanding == null || held) return;
        if (outstanding.readOnly() && !orderedFallback) {
            // Section 4.2 / [6]: a read-only request that cannot gather 2f+1 matching replies is
            // retried as an ordered request.
            fallBackToOrdered(now);
            return;
        }
        retransmissions++;
        if (outstanding.replier() != Request.ALL_REPLY) {
            outstanding = new Request(id, outstanding.timestamp(), false, Request.ALL_REPLY, outstanding.operation(), null);
        }
        multicastOutstanding();
        long backoff = cfg.clientRetransmitMs() << Math.min(retransmissions, 4);
        out.add(new Action.SetTimer(TimerKind.CLIENT_RETRANSMIT, now + backoff));
    }

    private void tryComplete(long now) {
        int needed = outstanding.readOnly() && !orderedFallback ? cfg.quorum() : cfg.weakQuorum();
        for (Reply full : replies) {
            if (full == null || full.digestOnly()) continue;
            Digest d = MessageCodec.resultDigest(full.result());
            int matching = 0;
            for (Reply r : replies) {
                if (r == null) continue;
                boolean same = r.digestOnly() ? Arrays.equals(r.result(), d.bytes()) : Arrays.equals(r.result(), full.result());
                if (same) matching++;
            }
            if (matching >= needed) {
                // Replies carry the view so the client can track the primary (section 4.2); only a
                // view that f+1 replicas vouch for counts, so one liar cannot send us astray.
                view = Math.max(view, vouchedView());
                long ts = outstanding.timestamp();
                outstanding = null;
                Arrays.fill(replies, null);
                out.add(new ClientAction.Complete(ts, full.result()));
                return;
            }
        }
    }

    /** The highest view v such that at least f+1 replies carry a view of v or more. */
    private long vouchedView() {
        long[] views = new long[n];
        int k = 0;
        for (Reply r : replies) if (r != null) views[k++] = r.view();
        if (k < cfg.weakQuorum()) return 0;
        Arrays.sort(views, 0, k);
        return views[k - cfg.weakQuorum()];
    }

    /** The actions accumulated since the last call, in order. */
    public List<ClientAction> ready() { return out.ready(); }

    /** Moves the accumulated actions to the end of {@code sink}. */
    public void drainTo(List<? super ClientAction> sink) { out.drainTo(sink); }

    public int id() { return id; }
    public ProtocolConfig config() { return cfg; }
    public long view() { return view; }
    public long lastTimestamp() { return timestamp; }
    public long sentAt() { return sent; }
    public Counters counters() { return counters; }
}
