package io.bulwark.bft.wire;

import io.bulwark.bft.msg.RejectReason;
import io.bulwark.bft.crypto.MacKeys;
import io.bulwark.bft.msg.AuthFailure;
import io.bulwark.bft.msg.BatchEntry;
import io.bulwark.bft.msg.BindChallenge;
import io.bulwark.bft.msg.BindProof;
import io.bulwark.bft.msg.Checkpoint;
import io.bulwark.bft.msg.CodecLimits;
import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.Data;
import io.bulwark.bft.msg.DecodeException;
import io.bulwark.bft.msg.Fetch;
import io.bulwark.bft.msg.FetchBatch;
import io.bulwark.bft.msg.KeyAck;
import io.bulwark.bft.msg.MetaData;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.MessageType;
import io.bulwark.bft.msg.NewKey;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.PrePrepareByDigest;
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.Reply;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.msg.Status;
import io.bulwark.bft.msg.StatusQuery;
import io.bulwark.bft.msg.StatusReport;
import io.bulwark.bft.msg.Suspect;
import io.bulwark.bft.msg.ViewChangeAck;
import java.util.BitSet;
import java.util.List;

/**
 * The frame layer of one principal, between bytes and the pure protocol core: seals outgoing
 * messages with MACs or authenticators (section 4.1) and opens incoming frames, which means
 * decode, check that the claimed sender may send this, and verify its MAC, its authenticator
 * entry, or (for requests, also inside pre-prepares, section 4.2) the client's authenticator
 * entry; requests inside a pre-prepare that do not verify are marked, not fatal
 * ({@link Opened.Accepted#unverified}). {@link #open} never throws: every failure is a {@link Opened.Rejected} with a reason,
 * counted in {@link #counters()} (DESIGN principle 3). See {@link Frame} for the layout.
 *
 * <p>Not thread-safe: one instance per principal, used from the thread that owns its MacKeys.
 * Sealing a message for a peer we have no key for writes a zero tag (the receiver drops it,
 * as if lost, and retransmission recovers once keys arrive) rather than failing the send.
 */
public final class Wire {
    private final MacKeys keys;
    private final int n;
    private final int self;
    private final int tag;
    private final CodecLimits limits;
    private final MessageCodec codec;
    /** The largest frame accepted: what the limits allow, or less if they cap it. */
    private final int maxFrameBytes;
    private final RejectCounters counters = new RejectCounters();

    public Wire(MacKeys keys, int replicaCount, CodecLimits limits) {
        if (limits.replicaCount() != replicaCount)
            throw new IllegalArgumentException("limits are for " + limits.replicaCount() + " replicas, not " + replicaCount);
        if (limits.tagLength() != keys.tagLength())
            throw new IllegalArgumentException("limits assume " + limits.tagLength() + "-byte tags, keys make " + keys.tagLength());
        this.keys = keys;
        this.n = replicaCount;
        this.self = keys.self();
        this.tag = keys.tagLength();
        this.limits = limits;
        this.codec = new MessageCodec(limits);
        this.maxFrameBytes = Math.min(limits.maxFrameBytes(), Frame.largestFrame(limits));
        if (maxFrameBytes < Frame.HEADER_BYTES) throw new IllegalArgumentException("frames of at most " + maxFrameBytes + " bytes hold no header");
    }

    /** The largest frame {@link #open} accepts. */
    public int maxFrameBytes() { return maxFrameBytes; }

    public int self() { return self; }

    public RejectCounters counters() { return counters; }

    // ------------------------------------------------------------------ sealing

    /**
     * A message from this replica to all replicas: encoded once, one authenticator (n-1 MACs,
     * own entry zero), the same bytes for every receiver.
     */
    public byte[] sealMulticast(Message m) {
        if (self >= n) throw new IllegalStateException("only replicas multicast authenticated messages");
        return seal(m, self, AuthKind.AUTHENTICATOR, -1);
    }

    /**
     * A message from this principal to {@code receiver} with a single MAC (DATA and BIND-CHALLENGE
     * with none, see {@link Frame#allowed}).
     */
    public byte[] sealTo(int receiver, Message m) {
        if (receiver < 0 || receiver == self) throw new IllegalArgumentException("receiver " + receiver);
        return seal(m, self, m instanceof Data || m instanceof BindChallenge ? AuthKind.NONE : AuthKind.MAC, receiver);
    }

    /**
     * A request frame. With no auth yet (this principal is the client) computes the client's
     * authenticator, one MAC per replica over {@link MessageCodec#requestBody}, in place; with an
     * auth (a replica relaying a client's request) encodes it unchanged. The header names the client.
     */
    public byte[] sealRequest(Request r) {
        int macLen = MessageCodec.requestAuthedLength(r);
        byte[] frame;
        if (r.auth() == null) {
            if (r.client() != self) throw new IllegalArgumentException("only client " + r.client() + " can authenticate its request");
            // Encode without copying, leaving room for the authenticator, then MAC each entry in place.
            int authBytes = limits.requestAuthBytes();
            frame = new byte[Frame.HEADER_BYTES + macLen + 2 + authBytes];
            Frame.writeHeader(frame, MessageType.REQUEST.code(), r.client(), AuthKind.NONE);
            int authOff = MessageCodec.writeRequestAuthed(r, frame, Frame.HEADER_BYTES);
            frame[authOff++] = (byte) (authBytes >>> 8);
            frame[authOff++] = (byte) authBytes;
            for (int j = 0; j < n; j++) {
                if (keys.canSendTo(j)) keys.mac(j, frame, Frame.HEADER_BYTES, macLen, frame, authOff + j * tag);
            }
        } else {
            if (r.auth().length != limits.requestAuthBytes())
                throw new IllegalArgumentException("request authenticator must be " + limits.requestAuthBytes() + " bytes");
            frame = seal(r, r.client(), AuthKind.NONE, -1);
        }
        return frame;
    }

    /** A BIND-CHALLENGE frame: no MAC (see {@link BindChallenge}). */
    public byte[] sealChallenge(BindChallenge c) {
        if (c.replica() != self) throw new IllegalArgumentException("challenge of " + c.replica() + " sent by " + self);
        return seal(c, self, AuthKind.NONE, -1);
    }

    /** Whether a key for sending to {@code peer} is installed. */
    public boolean canSendTo(int peer) { return keys.canSendTo(peer); }

    /**
     * Whether this replica's entry of {@code r}'s client authenticator verifies under the key held
     * for its client now: the check {@link #open} makes of a request inside a pre-prepare, for a
     * request decoded earlier (its client's NEW-KEY came after it). Never throws.
     */
    public boolean verifiesRequest(Request r) {
        if (r == null || r.auth() == null || r.auth().length != limits.requestAuthBytes() || self >= n) return false;
        if (!keys.canReceiveFrom(r.client())) return false;
        byte[] body = MessageCodec.requestBody(r);
        return keys.verify(r.client(), body, 0, body.length, r.auth(), self * tag);
    }

    /** A NEW-KEY frame: no MAC, the co-processor's signature is inside (section 4.1). */
    public byte[] sealNewKey(NewKey k) {
        if (k.sender() != self) throw new IllegalArgumentException("NEW-KEY of " + k.sender() + " sent by " + self);
        return seal(k, self, AuthKind.NONE, -1);
    }

    /**
     * Builds a frame: header, body, then the authentication of {@code kind} (for MAC, to {@code receiver}).
     * Package-private so tests can build frames a correct sender never would.
     */
    byte[] seal(Message m, int headerSender, AuthKind kind, int receiver) {
        MessageType type = MessageType.of(m);
        if (!Frame.allowed(type, kind)) throw new IllegalArgumentException(m.getClass().getSimpleName() + " cannot be sent with " + kind);
        int claimed = claimedSender(m);
        if (claimed != NO_SENDER_FIELD && claimed != headerSender)
            throw new IllegalArgumentException("message names sender " + claimed + " but is sent by " + headerSender);
        int macLen = Frame.HEADER_BYTES + MessageCodec.bodySize(m);
        byte[] out = new byte[macLen + Frame.trailerBytes(kind, n, tag)];
        Frame.writeHeader(out, type.code(), headerSender, kind);
        int end = MessageCodec.writeBody(m, out, Frame.HEADER_BYTES);
        assert end == macLen;
        if (kind == AuthKind.MAC) {
            if (keys.canSendTo(receiver)) keys.mac(receiver, out, 0, macLen, out, macLen);
        } else if (kind == AuthKind.AUTHENTICATOR) {
            out[macLen] = (byte) n;
            for (int j = 0; j < n; j++) {
                if (j != self && keys.canSendTo(j)) keys.mac(j, out, 0, macLen, out, macLen + 1 + j * tag);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ opening

    /** Decodes and authenticates one frame. Never throws. */
    public Opened open(byte[] buf, int off, int len) {
        try {
            Opened.Accepted a = openChecked(buf, off, len);
            counters.accept();
            return a;
        } catch (DecodeException e) {
            counters.reject(e.reason());
            return new Opened.Rejected(e.reason(), e.getMessage());
        } catch (RuntimeException e) {
            // A bug in a decoder or a MacKeys implementation: still fail closed, visibly.
            counters.reject(RejectReason.INTERNAL);
            return new Opened.Rejected(RejectReason.INTERNAL, e.toString());
        }
    }

    public Opened open(byte[] frame) { return open(frame, 0, frame == null ? 0 : frame.length); }

    private Opened.Accepted openChecked(byte[] buf, int off, int len) throws DecodeException {
        if (buf == null || off < 0 || len < 0 || off > buf.length - len) throw reject(RejectReason.TRUNCATED, "slice out of bounds");
        if (len > maxFrameBytes) throw reject(RejectReason.OVERSIZED, "frame of " + len + " bytes");
        if (len < Frame.HEADER_BYTES) throw reject(RejectReason.TRUNCATED, "frame of " + len + " bytes");
        int version = buf[off + Frame.OFF_VERSION] & 0xff;
        if (version != Frame.VERSION) throw reject(RejectReason.BAD_VERSION, "version " + version);
        int typeCode = buf[off + Frame.OFF_TYPE] & 0xff;
        MessageType type = MessageType.ofCode(typeCode);
        if (type == null) throw reject(RejectReason.UNKNOWN_TYPE, "type " + typeCode);
        int sender = Frame.readSender(buf, off);
        int kindCode = buf[off + Frame.OFF_AUTH_KIND] & 0xff;
        AuthKind kind = AuthKind.ofCode(kindCode);
        if (kind == null) throw reject(RejectReason.BAD_AUTH_KIND, "auth kind " + kindCode);
        if (!Frame.allowed(type, kind)) throw reject(RejectReason.WRONG_AUTH_KIND, "type " + typeCode + " with " + kind);
        checkRoles(type, sender);

        // Authenticate before parsing the body: forged frames cost one MAC and no allocation.
        int bodyEnd = len - Frame.trailerBytes(kind, n, tag);
        if (bodyEnd < Frame.HEADER_BYTES) throw reject(RejectReason.TRUNCATED, "no room for " + kind);
        if (kind != AuthKind.NONE) {
            if (!keys.canReceiveFrom(sender)) throw reject(RejectReason.NO_KEY, "no key from " + sender);
            int tagOff = off + bodyEnd;
            if (kind == AuthKind.AUTHENTICATOR) {
                int count = buf[tagOff] & 0xff;
                if (count != n) throw reject(RejectReason.BAD_AUTHENTICATOR, count + " entries for " + n + " replicas");
                tagOff += 1 + self * tag; // checkRoles made sure self is a replica
            }
            if (!keys.verify(sender, buf, off, bodyEnd, buf, tagOff)) throw reject(RejectReason.BAD_MAC, "from " + sender);
        }

        int bodyOff = off + Frame.HEADER_BYTES;
        Message m = codec.decodeBody(typeCode, buf, bodyOff, bodyEnd - Frame.HEADER_BYTES);
        int claimed = claimedSender(m);
        if (claimed != NO_SENDER_FIELD && claimed != sender)
            throw reject(RejectReason.SENDER_MISMATCH, "header " + sender + ", message " + claimed);

        BitSet unverified = null;
        if (m instanceof Request r) {
            verifyRequest(r, buf, bodyOff, RejectReason.NO_KEY, RejectReason.BAD_MAC);
        } else if (m instanceof PrePrepare p) {
            unverified = checkBatch(p.batch(), buf, bodyOff + MessageCodec.prePrepareBatchOffset(p));
        } else if (m instanceof PrePrepareByDigest p) {
            unverified = checkBatch(p.batch(), buf, bodyOff + MessageCodec.prePrepareBatchOffset(p));
        } else if (m instanceof Reply r && r.client() != self) {
            throw reject(RejectReason.NOT_FOR_ME, "reply for client " + r.client());
        } else if (m instanceof KeyAck a && a.client() != self) {
            throw reject(RejectReason.NOT_FOR_ME, "key ack for client " + a.client());
        } else if (m instanceof StatusReport s && s.client() != self) {
            throw reject(RejectReason.NOT_FOR_ME, "status report for client " + s.client());
        }
        return new Opened.Accepted(sender, m, unverified);
    }

    /** Who may send {@code type}, and whether this principal ever receives it. */
    private void checkRoles(MessageType type, int sender) throws DecodeException {
        boolean iAmReplica = self >= 0 && self < n;
        switch (type) {
            case REQUEST -> {
                // A replica sends one request of its own: its recovery request (section 4.4; the core checks it is one).
                if (sender < 0) throw reject(RejectReason.BAD_FIELD, "sender " + sender);
                if (!iAmReplica) throw reject(RejectReason.NOT_FOR_ME, "type " + type.code() + " at a client");
            }
            case STATUS_QUERY -> {
                if (sender < n) throw reject(RejectReason.NOT_A_CLIENT, "type " + type.code() + " from " + sender);
                if (!iAmReplica) throw reject(RejectReason.NOT_FOR_ME, "type " + type.code() + " at a client");
            }
            case NEW_KEY -> {
                if (sender < 0) throw reject(RejectReason.BAD_FIELD, "sender " + sender);
            }
            case BIND_CHALLENGE -> {
                if (sender < 0 || sender >= n) throw reject(RejectReason.NOT_A_REPLICA, "challenge from " + sender);
            }
            case BIND_PROOF -> {
                if (sender < 0) throw reject(RejectReason.BAD_FIELD, "sender " + sender);
                if (!iAmReplica) throw reject(RejectReason.NOT_FOR_ME, "bind proof at a client");
            }
            case REPLY -> {
                // At a replica: the answer to its own recovery request (checked below: the reply names it).
                if (sender < 0 || sender >= n) throw reject(RejectReason.NOT_A_REPLICA, "type " + type.code() + " from " + sender);
            }
            case KEY_ACK, STATUS_REPORT -> {
                if (sender < 0 || sender >= n) throw reject(RejectReason.NOT_A_REPLICA, "type " + type.code() + " from " + sender);
                if (iAmReplica) throw reject(RejectReason.NOT_FOR_ME, "type " + type.code() + " at a replica");
            }
            default -> {
                if (sender < 0 || sender >= n) throw reject(RejectReason.NOT_A_REPLICA, "type " + type.code() + " from " + sender);
                if (!iAmReplica) throw reject(RejectReason.NOT_FOR_ME, "type " + type.code() + " at a client");
            }
        }
    }

    /**
     * Section 4.2: a backup checks every request in a pre-prepare. One that does not verify here no
     * longer rejects the whole frame (it used to): the primary's MAC is good, and the core needs the
     * pre-prepare to answer a client whose authenticator is good only at some replicas (Aardvark's big
     * MAC) and to take batch bodies fetched by digest. It is marked instead (the positions returned;
     * null: none), and counted as BAD_REQUEST_MAC or NO_REQUEST_KEY (per request). A request named by
     * digest (PRE_PREPARE_BY_DIGEST) is the copy its client sent this replica, checked when it arrived.
     *
     * @param o where the first entry's encoding starts in {@code buf}
     */
    private BitSet checkBatch(List<? extends BatchEntry> batch, byte[] buf, int o) throws DecodeException {
        BitSet unverified = null;
        for (int i = 0; i < batch.size(); i++) {
            BatchEntry e = batch.get(i);
            if (e.client() < 0) throw reject(RejectReason.BAD_FIELD, "request from " + e.client() + " in pre-prepare");
            if (!(e instanceof Request r)) {
                o += MessageCodec.REQUEST_REF_BYTES;
                continue;
            }
            // A replica's request (its recovery request, section 4.4) is checked like a client's;
            // our own cannot be (we hold no key to receive from ourselves): the core vouches for it.
            RejectReason bad = r.client() == self ? null : checkRequest(r, buf, o, RejectReason.NO_REQUEST_KEY, RejectReason.BAD_REQUEST_MAC);
            if (bad != null || r.client() == self) {
                if (bad != null) counters.reject(bad);
                if (unverified == null) unverified = new BitSet(batch.size());
                unverified.set(i);
            }
            o += MessageCodec.requestEncodedSize(r);
        }
        return unverified;
    }

    /** Checks this replica's entry of a request's client authenticator; the request's encoding starts at {@code reqOff}. */
    private void verifyRequest(Request r, byte[] buf, int reqOff, RejectReason noKey, RejectReason badMac) throws DecodeException {
        RejectReason bad = checkRequest(r, buf, reqOff, noKey, badMac);
        if (bad != null) throw reject(bad, (bad == noKey ? "no key from client " : "request ") + r.client() + "/" + r.timestamp());
    }

    /** {@code noKey} or {@code badMac} if this replica's entry of the request's authenticator does not verify; else null. */
    private RejectReason checkRequest(Request r, byte[] buf, int reqOff, RejectReason noKey, RejectReason badMac) {
        int client = r.client();
        if (!keys.canReceiveFrom(client)) return noKey;
        if (!keys.verify(client, buf, reqOff, MessageCodec.requestAuthedLength(r), r.auth(), self * tag)) return badMac;
        return null;
    }

    private static final int NO_SENDER_FIELD = Integer.MIN_VALUE;

    /**
     * The sender a message names inside itself, which must be the frame's sender; or NO_SENDER_FIELD.
     * A pre-prepare and a new-view name none (the core checks they come from the primary of their
     * view). A view-change names its author, but any replica may forward it (section 4.5): the
     * frame authenticates the forwarder, and the core decides what to believe of the author (acks).
     */
    private static int claimedSender(Message m) {
        if (m instanceof Prepare p) return p.replica();
        if (m instanceof Commit c) return c.replica();
        if (m instanceof Checkpoint c) return c.replica();
        if (m instanceof Status s) return s.replica();
        if (m instanceof Reply r) return r.replica();
        if (m instanceof Request r) return r.client();
        if (m instanceof NewKey k) return k.sender();
        if (m instanceof ViewChangeAck a) return a.replica();
        if (m instanceof FetchBatch b) return b.replica();
        if (m instanceof Fetch f) return f.replica();
        if (m instanceof MetaData d) return d.replica();
        if (m instanceof AuthFailure a) return a.replica();
        if (m instanceof Suspect s) return s.replica();
        if (m instanceof KeyAck a) return a.replica();
        if (m instanceof StatusQuery q) return q.client();
        if (m instanceof StatusReport s) return s.replica();
        if (m instanceof io.bulwark.bft.msg.QueryStable q) return q.replica();
        if (m instanceof io.bulwark.bft.msg.ReplyStable r) return r.replica();
        if (m instanceof BindChallenge c) return c.replica();
        if (m instanceof BindProof p) return p.principal();
        return NO_SENDER_FIELD;
    }

    private static DecodeException reject(RejectReason reason, String detail) { return new DecodeException(reason, detail); }
}
