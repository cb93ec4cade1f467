package io.bulwark.bft.msg;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.state.Partition;
import io.bulwark.bft.state.PartitionTree;
import io.bulwark.bft.wire.Frame;
import io.bulwark.bft.wire.RejectReason;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Compact big-endian binary encoding of every {@link Message}, and a decoder that fails closed
 * (DESIGN principle 3): every length and count is checked against {@link CodecLimits} and
 * against the bytes actually left before anything is allocated; unknown type bytes, flag bits
 * and trailing bytes are rejected; the only thing it throws is {@link DecodeException}.
 *
 * <p>Bodies (all integers big-endian; u8/u16 unsigned, i32/i64 signed; lengths precede data):
 * <pre>
 * REQUEST      [u8 flags = 0xA0 | readOnly][i32 client][i64 timestamp][i32 replier]
 *              [i32 opLen][op] [u16 authLen = n*tag][auth]
 *              The client authenticator covers the first {@link #requestAuthedLength} bytes:
 *              every field except auth. The 0xA0 mark keeps that region disjoint from any frame
 *              (frames start with version 1), so a client key used both ways (section 4.1) can't
 *              turn a reply's MAC into a request's.
 * PRE_PREPARE  [i64 view][i64 seq][32 digest][u16 nonDetLen][nonDet][u16 count][count REQUESTs]
 * PREPARE      [i64 view][i64 seq][32 digest][i32 replica]
 * COMMIT       [i64 view][i64 seq][32 digest][i32 replica]
 * REPLY        [u8 flags: 1 readOnly | 2 digestOnly][i64 view][i64 timestamp][i32 client][i32 replica]
 *              [i32 resultLen][result]            (digestOnly: resultLen = 32)
 * CHECKPOINT   [i64 seq][32 digest][i32 replica]
 * STATUS       [i64 view][i32 replica][u8 viewActive = 0 | 1][i64 stableSeq][i64 lastExecuted]
 *              [i64 viewChanges: bit j for replica j < n]
 *              [u16 words][words * i64 prepared][u16 words][words * i64 committed]
 * NEW_KEY      [i32 sender][i64 counter][u16 count]
 *              count * ([i32 receiver][u16 len][ciphertext]), receivers strictly increasing replicas != sender
 *              [u16 sigLen][signature]
 * VIEW_CHANGE  [i64 view][i32 replica][i64 stableSeq]
 *              [u16 count] count * ([i64 seq][32 digest])                       C: seqs strictly increasing
 *              [u16 count] count * ([i64 seq][32 digest][i64 view])             P: seqs strictly increasing
 *              [u16 count] count * ([i64 seq][u16 pairs] pairs * ([32 digest][i64 view]))
 *                                                                               Q: seqs strictly increasing,
 *                                                                               1..f+2 pairs, digests distinct
 * VIEW_CHANGE_ACK [i64 view][i32 replica][i32 viewChangeSender][32 viewChangeDigest]
 * NEW_VIEW     [i64 view][u16 count] count * ([i32 replica][32 digest])        V: replicas strictly increasing
 *              [i64 checkpointSeq][32 checkpointDigest][u16 count][count * 32 selected digest]
 * FETCH_BATCH  [i32 replica][i64 seq > 0][32 digest]
 * FETCH        [i32 replica][i64 checkpoint][u8 level][i32 index]
 * META_DATA    [i64 checkpoint][u8 level][i32 index][i32 replica][u16 count 1..256] count * ([i64 lm][32 digest])
 * DATA         [i32 page][4096 value]
 * AUTH_FAILURE [i32 replica][i64 view][i64 seq > 0][i32 client >= n][i64 timestamp]
 * BIND_CHALLENGE [i32 replica][i64 hi][i64 lo]
 * BIND_PROOF   [i32 principal >= 0][i32 acceptor replica][i64 challengeHi][i64 challengeLo][i64 nonceHi][i64 nonceLo]
 * </pre>
 * Views, sequence numbers, timestamps and counters are non-negative; replica ids are 0..n-1;
 * ciphertexts and signatures are non-empty; the lists of VIEW-CHANGE and NEW-VIEW are bounded by
 * L, L/K + 2, f + 2 and n ({@link CodecLimits}). The encoding is canonical: equal messages have
 * equal bytes.
 *
 * <p>Encoding is static and thread-safe: compute {@link #bodySize}, then {@link #writeBody}
 * into a pre-sized array. Decoding uses per-instance cursor state, so a MessageCodec instance
 * must be used by one thread at a time (one per principal, like {@code MacKeys}).
 */
public final class MessageCodec {
    public static final int TYPE_REQUEST = 1;
    public static final int TYPE_PRE_PREPARE = 2;
    public static final int TYPE_PREPARE = 3;
    public static final int TYPE_COMMIT = 4;
    public static final int TYPE_REPLY = 5;
    public static final int TYPE_CHECKPOINT = 6;
    public static final int TYPE_STATUS = 7;
    public static final int TYPE_NEW_KEY = 8;
    public static final int TYPE_VIEW_CHANGE = 9;
    public static final int TYPE_VIEW_CHANGE_ACK = 10;
    public static final int TYPE_NEW_VIEW = 11;
    public static final int TYPE_FETCH_BATCH = 12;
    public static final int TYPE_FETCH = 13;
    public static final int TYPE_META_DATA = 14;
    public static final int TYPE_DATA = 15;
    public static final int TYPE_AUTH_FAILURE = 16;
    public static final int TYPE_BIND_CHALLENGE = 17;
    public static final int TYPE_BIND_PROOF = 18;
    /** The highest type code: known types are {@link #TYPE_REQUEST}..{@code LAST_TYPE}. */
    public static final int LAST_TYPE = TYPE_BIND_PROOF;

    static final int REQUEST_MARK = 0xA0;
    static final int REQUEST_READ_ONLY = 0x01;
    static final int REPLY_READ_ONLY = 0x01;
    static final int REPLY_DIGEST_ONLY = 0x02;

    /** flags, client, timestamp, replier, opLen: the authenticated part without the operation. */
    public static final int REQUEST_AUTHED_FIXED_BYTES = 1 + 4 + 8 + 4 + 4;
    /** A request without its operation and auth bytes (adds the u16 auth length). */
    public static final int REQUEST_FIXED_BYTES = REQUEST_AUTHED_FIXED_BYTES + 2;
    /** Offset of the first request in a pre-prepare body is this plus nonDet.length. */
    public static final int PRE_PREPARE_FIXED_BYTES = 8 + 8 + Digest.LENGTH + 2 + 2;
    public static final int PREPARE_BYTES = 8 + 8 + Digest.LENGTH + 4;
    public static final int REPLY_FIXED_BYTES = 1 + 8 + 8 + 4 + 4 + 4;
    public static final int CHECKPOINT_BYTES = 8 + Digest.LENGTH + 4;
    public static final int STATUS_FIXED_BYTES = 8 + 4 + 1 + 8 + 8 + 8 + 2 + 2;
    public static final int NEW_KEY_FIXED_BYTES = 4 + 8 + 2 + 2;
    public static final int KEY_SHARE_FIXED_BYTES = 4 + 2;
    /** view, replica, stableSeq and the three u16 counts. */
    public static final int VIEW_CHANGE_FIXED_BYTES = 8 + 4 + 8 + 2 + 2 + 2;
    public static final int CHECKPOINT_REF_BYTES = 8 + Digest.LENGTH;
    public static final int PREPARED_ENTRY_BYTES = 8 + Digest.LENGTH + 8;
    /** A Q entry without its pairs: seq and the u16 pair count. */
    public static final int Q_ENTRY_FIXED_BYTES = 8 + 2;
    public static final int DIGEST_VIEW_BYTES = Digest.LENGTH + 8;
    public static final int VIEW_CHANGE_ACK_BYTES = 8 + 4 + 4 + Digest.LENGTH;
    /** view, the two u16 counts, checkpointSeq and checkpointDigest. */
    public static final int NEW_VIEW_FIXED_BYTES = 8 + 2 + 8 + Digest.LENGTH + 2;
    public static final int VIEW_CHANGE_REF_BYTES = 4 + Digest.LENGTH;
    public static final int FETCH_BATCH_BYTES = 4 + 8 + Digest.LENGTH;
    public static final int FETCH_BYTES = 4 + 8 + 1 + 4;
    /** checkpoint, level, index, replica and the u16 count. */
    public static final int META_DATA_FIXED_BYTES = 8 + 1 + 4 + 4 + 2;
    public static final int PARTITION_BYTES = 8 + Digest.LENGTH;
    public static final int DATA_BYTES = 4 + 8 + PartitionTree.PAGE_SIZE;
    public static final int AUTH_FAILURE_BYTES = 4 + 8 + 8 + 4 + 8;
    public static final int BIND_CHALLENGE_BYTES = 4 + 8 + 8;
    public static final int BIND_PROOF_BYTES = 4 + 4 + 4 * 8;

    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    // Domain bytes so that request, batch, result and view-change digests can never be confused with each other.
    private static final byte DOMAIN_REQUEST = 'Q';
    private static final byte DOMAIN_BATCH = 'B';
    private static final byte DOMAIN_RESULT = 'R';
    private static final byte DOMAIN_VIEW_CHANGE = 'V';
    /** Scratch for the fixed-size fields fed to a digest (at most 13 bytes, used before each update returns). */
    private static final ThreadLocal<byte[]> FIXED_FIELDS = ThreadLocal.withInitial(() -> new byte[16]);
    private static final ThreadLocal<MessageDigest[]> SHA256 = ThreadLocal.withInitial(
            () -> new MessageDigest[] {sha256(), sha256()});

    private final CodecLimits limits;
    // Decoder cursor: set per decode call, cleared afterwards.
    private byte[] buf;
    private int pos;
    private int end;

    public MessageCodec(CodecLimits limits) {
        this.limits = limits;
    }

    public CodecLimits limits() { return limits; }

    // ------------------------------------------------------------------ types

    public static int typeOf(Message m) {
        if (m instanceof Request) return TYPE_REQUEST;
        if (m instanceof PrePrepare) return TYPE_PRE_PREPARE;
        if (m instanceof Prepare) return TYPE_PREPARE;
        if (m instanceof Commit) return TYPE_COMMIT;
        if (m instanceof Reply) return TYPE_REPLY;
        if (m instanceof Checkpoint) return TYPE_CHECKPOINT;
        if (m instanceof Status) return TYPE_STATUS;
        if (m instanceof NewKey) return TYPE_NEW_KEY;
        if (m instanceof ViewChange) return TYPE_VIEW_CHANGE;
        if (m instanceof ViewChangeAck) return TYPE_VIEW_CHANGE_ACK;
        if (m instanceof NewView) return TYPE_NEW_VIEW;
        if (m instanceof FetchBatch) return TYPE_FETCH_BATCH;
        if (m instanceof Fetch) return TYPE_FETCH;
        if (m instanceof MetaData) return TYPE_META_DATA;
        if (m instanceof Data) return TYPE_DATA;
        if (m instanceof AuthFailure) return TYPE_AUTH_FAILURE;
        if (m instanceof BindChallenge) return TYPE_BIND_CHALLENGE;
        if (m instanceof BindProof) return TYPE_BIND_PROOF;
        throw new IllegalArgumentException("not a message: " + m);
    }

    public static boolean isKnownType(int type) {
        return type >= TYPE_REQUEST && type <= LAST_TYPE;
    }

    // ------------------------------------------------------------------ sizes

    /** Bytes {@link #writeBody} will write for {@code m}. Throws IllegalArgumentException for unencodable records. */
    public static int bodySize(Message m) {
        if (m instanceof Request r) return requestEncodedSize(r);
        if (m instanceof PrePrepare p) {
            long size = PRE_PREPARE_FIXED_BYTES + (long) u16Len(p.nonDet(), "nonDet");
            List<Request> batch = p.batch();
            if (batch == null || batch.size() > 0xffff) throw new IllegalArgumentException("batch missing or too large");
            for (Request r : batch) size += requestEncodedSize(r);
            return checkedSize(size);
        }
        if (m instanceof Prepare || m instanceof Commit) return PREPARE_BYTES;
        if (m instanceof Reply r) {
            if (r.result() == null) throw new IllegalArgumentException("reply result is null");
            if (r.digestOnly() && r.result().length != Digest.LENGTH)
                throw new IllegalArgumentException("digest-only reply must carry a " + Digest.LENGTH + "-byte digest");
            return REPLY_FIXED_BYTES + r.result().length;
        }
        if (m instanceof Checkpoint) return CHECKPOINT_BYTES;
        if (m instanceof Status s) {
            return STATUS_FIXED_BYTES + 8 * (u16Words(s.prepared()) + u16Words(s.committed()));
        }
        if (m instanceof NewKey k) {
            if (k.shares() == null || k.shares().size() > 0xffff) throw new IllegalArgumentException("shares missing or too many");
            long size = NEW_KEY_FIXED_BYTES + (long) u16Len(k.signature(), "signature");
            for (NewKey.KeyShare s : k.shares()) size += KEY_SHARE_FIXED_BYTES + u16Len(s.ciphertext(), "ciphertext");
            return checkedSize(size);
        }
        if (m instanceof ViewChange v) {
            long size = VIEW_CHANGE_FIXED_BYTES + (long) u16Count(v.checkpoints(), "checkpoints") * CHECKPOINT_REF_BYTES
                    + (long) u16Count(v.prepared(), "prepared") * PREPARED_ENTRY_BYTES;
            u16Count(v.prePrepared(), "prePrepared");
            for (ViewChange.PrePreparedEntry q : v.prePrepared())
                size += Q_ENTRY_FIXED_BYTES + (long) u16Count(q.entries(), "pre-prepared pairs") * DIGEST_VIEW_BYTES;
            return checkedSize(size);
        }
        if (m instanceof ViewChangeAck) return VIEW_CHANGE_ACK_BYTES;
        if (m instanceof NewView v) {
            return checkedSize(NEW_VIEW_FIXED_BYTES + (long) u16Count(v.viewChanges(), "viewChanges") * VIEW_CHANGE_REF_BYTES
                    + (long) u16Count(v.selected(), "selected") * Digest.LENGTH);
        }
        if (m instanceof FetchBatch) return FETCH_BATCH_BYTES;
        if (m instanceof Fetch f) {
            u8("level", f.level());
            return FETCH_BYTES;
        }
        if (m instanceof MetaData d) {
            u8("level", d.level());
            int count = u16Count(d.children(), "children");
            if (count < 1 || count > PartitionTree.FANOUT) throw new IllegalArgumentException("meta-data with " + count + " children");
            return META_DATA_FIXED_BYTES + count * PARTITION_BYTES;
        }
        if (m instanceof Data d) {
            if (d.value() == null || d.value().length != PartitionTree.PAGE_SIZE) throw new IllegalArgumentException("a page is " + PartitionTree.PAGE_SIZE + " bytes");
            return DATA_BYTES;
        }
        if (m instanceof AuthFailure) return AUTH_FAILURE_BYTES;
        if (m instanceof BindChallenge) return BIND_CHALLENGE_BYTES;
        if (m instanceof BindProof) return BIND_PROOF_BYTES;
        throw new IllegalArgumentException("not a message: " + m);
    }

    /** Encoded size of a request including its auth (which must be present). */
    public static int requestEncodedSize(Request r) {
        if (r.auth() == null) throw new IllegalArgumentException("request has no authenticator; seal it first");
        if (r.auth().length > 0xffff) throw new IllegalArgumentException("request authenticator too long");
        return checkedSize((long) requestAuthedLength(r) + 2 + r.auth().length);
    }

    /** Length of the region the client authenticator covers: the request's encoding up to (not including) the auth length. */
    public static int requestAuthedLength(Request r) {
        if (r.operation() == null) throw new IllegalArgumentException("request operation is null");
        return checkedSize((long) REQUEST_AUTHED_FIXED_BYTES + r.operation().length);
    }

    /** Offset, within a pre-prepare's body, of its first request. */
    public static int prePrepareBatchOffset(PrePrepare p) { return PRE_PREPARE_FIXED_BYTES + p.nonDet().length; }

    private static int u16Len(byte[] b, String what) {
        if (b == null) throw new IllegalArgumentException(what + " is null");
        if (b.length > 0xffff) throw new IllegalArgumentException(what + " longer than 65535 bytes");
        return b.length;
    }

    private static int u16Words(long[] w) {
        if (w == null) throw new IllegalArgumentException("status bitmap is null");
        if (w.length > 0xffff) throw new IllegalArgumentException("status bitmap too long");
        return w.length;
    }

    private static int u16Count(List<?> list, String what) {
        if (list == null) throw new IllegalArgumentException(what + " is null");
        if (list.size() > 0xffff) throw new IllegalArgumentException(what + ": more than 65535 entries");
        return list.size();
    }

    private static void u8(String what, int v) {
        if (v < 0 || v > 0xff) throw new IllegalArgumentException(what + " " + v + " outside 0..255");
    }

    private static int checkedSize(long size) {
        if (size > Integer.MAX_VALUE - 64) throw new IllegalArgumentException("message too large: " + size);
        return (int) size;
    }

    // ------------------------------------------------------------------ encoding

    /** Self-describing encoding {@code [u8 type][body]}, for storage and tests; frames use {@link #writeBody}. */
    public static byte[] encode(Message m) {
        byte[] out = new byte[1 + bodySize(m)];
        out[0] = (byte) typeOf(m);
        writeBody(m, out, 1);
        return out;
    }

    /** The bytes a request's client authenticator covers (every field but auth). Allocates; the wire MACs in place. */
    public static byte[] requestBody(Request r) {
        byte[] out = new byte[requestAuthedLength(r)];
        writeRequestAuthed(r, out, 0);
        return out;
    }

    /**
     * The bytes a NEW-KEY's co-processor signature covers: a frame header for NEW-KEY from
     * {@code k.sender()} (so the signature is bound to the message type) followed by the body up to,
     * not including, the signature length. Deterministic, so verifiers can rebuild it from the record.
     */
    public static byte[] newKeySignedBytes(NewKey k) {
        int size = bodySize(k) - 2 - k.signature().length;
        byte[] out = new byte[Frame.HEADER_BYTES + size];
        out[Frame.OFF_VERSION] = (byte) Frame.VERSION;
        out[Frame.OFF_TYPE] = (byte) TYPE_NEW_KEY;
        I32.set(out, Frame.OFF_SENDER, k.sender());
        out[Frame.OFF_AUTH_KIND] = 0; // AuthKind.NONE
        writeNewKeyUnsigned(k, out, Frame.HEADER_BYTES);
        return out;
    }

    /**
     * Writes the body of {@code m} at {@code out[off...]}, which must have {@link #bodySize} bytes
     * free; returns the offset after it.
     */
    public static int writeBody(Message m, byte[] out, int off) {
        if (m instanceof Request r) return writeRequest(r, out, off);
        if (m instanceof PrePrepare p) {
            int o = putLong(out, off, p.view());
            o = putLong(out, o, p.seq());
            o = putDigest(out, o, p.digest());
            o = putBytes16(out, o, p.nonDet());
            o = putShort(out, o, p.batch().size());
            for (Request r : p.batch()) o = writeRequest(r, out, o);
            return o;
        }
        if (m instanceof Prepare p) return writePhase(out, off, p.view(), p.seq(), p.digest(), p.replica());
        if (m instanceof Commit c) return writePhase(out, off, c.view(), c.seq(), c.digest(), c.replica());
        if (m instanceof Reply r) {
            out[off] = (byte) ((r.readOnly() ? REPLY_READ_ONLY : 0) | (r.digestOnly() ? REPLY_DIGEST_ONLY : 0));
            int o = putLong(out, off + 1, r.view());
            o = putLong(out, o, r.timestamp());
            o = putInt(out, o, r.client());
            o = putInt(out, o, r.replica());
            return putBytes32(out, o, r.result());
        }
        if (m instanceof Checkpoint c) {
            int o = putLong(out, off, c.seq());
            o = putDigest(out, o, c.state());
            return putInt(out, o, c.replica());
        }
        if (m instanceof Status s) {
            int o = putLong(out, off, s.view());
            o = putInt(out, o, s.replica());
            out[o++] = (byte) (s.viewActive() ? 1 : 0);
            o = putLong(out, o, s.stableSeq());
            o = putLong(out, o, s.lastExecuted());
            o = putLong(out, o, s.viewChanges());
            o = putWords(out, o, s.prepared());
            return putWords(out, o, s.committed());
        }
        if (m instanceof NewKey k) {
            int o = writeNewKeyUnsigned(k, out, off);
            return putBytes16(out, o, k.signature());
        }
        if (m instanceof ViewChange v) return writeViewChange(v, out, off);
        if (m instanceof ViewChangeAck a) {
            int o = putLong(out, off, a.view());
            o = putInt(out, o, a.replica());
            o = putInt(out, o, a.viewChangeSender());
            return putDigest(out, o, a.viewChangeDigest());
        }
        if (m instanceof NewView v) {
            int o = putLong(out, off, v.view());
            o = putShort(out, o, v.viewChanges().size());
            for (NewView.ViewChangeRef r : v.viewChanges()) {
                o = putInt(out, o, r.replica());
                o = putDigest(out, o, r.digest());
            }
            o = putLong(out, o, v.checkpointSeq());
            o = putDigest(out, o, v.checkpointDigest());
            o = putShort(out, o, v.selected().size());
            for (Digest d : v.selected()) o = putDigest(out, o, d);
            return o;
        }
        if (m instanceof FetchBatch b) {
            int o = putInt(out, off, b.replica());
            o = putLong(out, o, b.seq());
            return putDigest(out, o, b.digest());
        }
        if (m instanceof Fetch f) {
            int o = putInt(out, off, f.replica());
            o = putLong(out, o, f.checkpoint());
            out[o++] = (byte) f.level();
            return putInt(out, o, f.index());
        }
        if (m instanceof MetaData d) {
            int o = putLong(out, off, d.checkpoint());
            out[o++] = (byte) d.level();
            o = putInt(out, o, d.index());
            o = putInt(out, o, d.replica());
            o = putShort(out, o, d.children().size());
            for (Partition p : d.children()) {
                o = putLong(out, o, p.lm());
                o = putDigest(out, o, p.digest());
            }
            return o;
        }
        if (m instanceof Data d) {
            int o = putInt(out, off, d.page());
            o = putLong(out, o, d.lm());
            System.arraycopy(d.value(), 0, out, o, PartitionTree.PAGE_SIZE);
            return o + PartitionTree.PAGE_SIZE;
        }
        if (m instanceof AuthFailure a) {
            int o = putInt(out, off, a.replica());
            o = putLong(out, o, a.view());
            o = putLong(out, o, a.seq());
            o = putInt(out, o, a.client());
            return putLong(out, o, a.timestamp());
        }
        if (m instanceof BindChallenge c) {
            int o = putInt(out, off, c.replica());
            o = putLong(out, o, c.hi());
            return putLong(out, o, c.lo());
        }
        if (m instanceof BindProof p) {
            int o = putInt(out, off, p.principal());
            o = putInt(out, o, p.acceptor());
            o = putLong(out, o, p.challengeHi());
            o = putLong(out, o, p.challengeLo());
            o = putLong(out, o, p.nonceHi());
            return putLong(out, o, p.nonceLo());
        }
        throw new IllegalArgumentException("not a message: " + m);
    }

    private static int writeViewChange(ViewChange v, byte[] out, int off) {
        int o = putLong(out, off, v.view());
        o = putInt(out, o, v.replica());
        o = putLong(out, o, v.stableSeq());
        o = putShort(out, o, v.checkpoints().size());
        for (ViewChange.CheckpointRef c : v.checkpoints()) {
            o = putLong(out, o, c.seq());
            o = putDigest(out, o, c.digest());
        }
        o = putShort(out, o, v.prepared().size());
        for (ViewChange.PreparedEntry p : v.prepared()) {
            o = putLong(out, o, p.seq());
            o = putDigest(out, o, p.digest());
            o = putLong(out, o, p.view());
        }
        o = putShort(out, o, v.prePrepared().size());
        for (ViewChange.PrePreparedEntry q : v.prePrepared()) {
            o = putLong(out, o, q.seq());
            o = putShort(out, o, q.entries().size());
            for (ViewChange.DigestView dv : q.entries()) {
                o = putDigest(out, o, dv.digest());
                o = putLong(out, o, dv.view());
            }
        }
        return o;
    }

    private static int writeRequest(Request r, byte[] out, int off) {
        int o = writeRequestAuthed(r, out, off);
        return putBytes16(out, o, r.auth());
    }

    /**
     * Writes every field of {@code r} but its auth (the region the client authenticator covers,
     * {@link #requestAuthedLength} bytes) at {@code out[off...]}; returns the offset after it, where
     * the u16 auth length and the auth follow. Lets a client encode and MAC its request in place.
     */
    public static int writeRequestAuthed(Request r, byte[] out, int off) {
        out[off] = (byte) (REQUEST_MARK | (r.readOnly() ? REQUEST_READ_ONLY : 0));
        int o = putInt(out, off + 1, r.client());
        o = putLong(out, o, r.timestamp());
        o = putInt(out, o, r.replier());
        return putBytes32(out, o, r.operation());
    }

    private static int writeNewKeyUnsigned(NewKey k, byte[] out, int off) {
        int o = putInt(out, off, k.sender());
        o = putLong(out, o, k.counter());
        o = putShort(out, o, k.shares().size());
        for (NewKey.KeyShare s : k.shares()) {
            o = putInt(out, o, s.receiver());
            o = putBytes16(out, o, s.ciphertext());
        }
        return o;
    }

    private static int writePhase(byte[] out, int off, long view, long seq, Digest d, int replica) {
        int o = putLong(out, off, view);
        o = putLong(out, o, seq);
        o = putDigest(out, o, d);
        return putInt(out, o, replica);
    }

    private static int putShort(byte[] b, int o, int v) { I16.set(b, o, (short) v); return o + 2; }
    private static int putInt(byte[] b, int o, int v) { I32.set(b, o, v); return o + 4; }
    private static int putLong(byte[] b, int o, long v) { I64.set(b, o, v); return o + 8; }

    private static int putDigest(byte[] b, int o, Digest d) {
        System.arraycopy(d.bytes(), 0, b, o, Digest.LENGTH);
        return o + Digest.LENGTH;
    }

    private static int putBytes16(byte[] b, int o, byte[] v) {
        o = putShort(b, o, v.length);
        System.arraycopy(v, 0, b, o, v.length);
        return o + v.length;
    }

    private static int putBytes32(byte[] b, int o, byte[] v) {
        o = putInt(b, o, v.length);
        System.arraycopy(v, 0, b, o, v.length);
        return o + v.length;
    }

    private static int putWords(byte[] b, int o, long[] w) {
        o = putShort(b, o, w.length);
        for (long x : w) o = putLong(b, o, x);
        return o;
    }

    // ------------------------------------------------------------------ decoding

    /** Decodes a {@link #encode self-describing} encoding. */
    public Message decode(byte[] in, int off, int len) throws DecodeException {
        if (in == null || off < 0 || len < 0 || off > in.length - len) throw new DecodeException(RejectReason.TRUNCATED, "slice out of bounds");
        if (len < 1) throw new DecodeException(RejectReason.TRUNCATED, "empty");
        return decodeBody(in[off] & 0xff, in, off + 1, len - 1);
    }

    /**
     * Decodes the body of a message of {@code type} occupying exactly {@code in[off, off+len)}.
     * Copies only the variable-length fields themselves.
     */
    public Message decodeBody(int type, byte[] in, int off, int len) throws DecodeException {
        if (in == null || off < 0 || len < 0 || off > in.length - len) throw new DecodeException(RejectReason.TRUNCATED, "slice out of bounds");
        buf = in;
        pos = off;
        end = off + len;
        try {
            Message m = switch (type) {
                case TYPE_REQUEST -> readRequest(limits.maxOperationBytes());
                case TYPE_PRE_PREPARE -> readPrePrepare();
                case TYPE_PREPARE -> new Prepare(view(), seq(), digest(), replica());
                case TYPE_COMMIT -> new Commit(view(), seq(), digest(), replica());
                case TYPE_REPLY -> readReply();
                case TYPE_CHECKPOINT -> new Checkpoint(seq(), digest(), replica());
                case TYPE_STATUS -> readStatus();
                case TYPE_NEW_KEY -> readNewKey();
                case TYPE_VIEW_CHANGE -> readViewChange();
                case TYPE_VIEW_CHANGE_ACK -> new ViewChangeAck(view(), replica(), replica(), digest());
                case TYPE_NEW_VIEW -> readNewView();
                case TYPE_FETCH_BATCH -> readFetchBatch();
                case TYPE_FETCH -> new Fetch(replica(), seq(), u8(), index("partition"));
                case TYPE_META_DATA -> readMetaData();
                case TYPE_DATA -> new Data(index("page"), i64(), bytes(PartitionTree.PAGE_SIZE, PartitionTree.PAGE_SIZE, "page"));
                case TYPE_AUTH_FAILURE -> readAuthFailure();
                case TYPE_BIND_CHALLENGE -> new BindChallenge(replica(), i64(), i64());
                case TYPE_BIND_PROOF -> new BindProof(principal(), replica(), i64(), i64(), i64(), i64());
                default -> throw new DecodeException(RejectReason.UNKNOWN_TYPE, "type " + type);
            };
            if (pos != end) throw new DecodeException(RejectReason.TRAILING_BYTES, (end - pos) + " bytes after " + m.getClass().getSimpleName());
            return m;
        } finally {
            buf = null;
        }
    }

    private Request readRequest(int maxOperation) throws DecodeException {
        int flags = u8();
        if ((flags & ~REQUEST_READ_ONLY) != REQUEST_MARK) throw bad("request flags " + Integer.toHexString(flags));
        int client = i32();
        long timestamp = nonNegative(i64(), "timestamp");
        int replier = i32();
        if (replier != Request.ALL_REPLY && (replier < 0 || replier >= limits.replicaCount())) throw bad("replier " + replier);
        byte[] op = bytes(i32(), maxOperation, "operation");
        int authLen = u16();
        if (authLen != limits.requestAuthBytes()) throw bad("request authenticator of " + authLen + " bytes");
        byte[] auth = bytes(authLen, authLen, "request authenticator");
        return new Request(client, timestamp, (flags & REQUEST_READ_ONLY) != 0, replier, op, auth);
    }

    private PrePrepare readPrePrepare() throws DecodeException {
        long view = view();
        long seq = seq();
        Digest digest = digest();
        byte[] nonDet = bytes(u16(), limits.maxNonDetBytes(), "nonDet");
        int count = count(u16(), limits.maxBatchRequests(), REQUEST_FIXED_BYTES + limits.requestAuthBytes(), "batch");
        Request[] batch = new Request[count];
        int budget = limits.maxBatchBytes();
        for (int i = 0; i < count; i++) {
            Request r = readRequest(Math.min(limits.maxOperationBytes(), budget));
            budget -= r.operation().length;
            batch[i] = r;
        }
        return new PrePrepare(view, seq, digest, nonDet, list(batch));
    }

    private Reply readReply() throws DecodeException {
        int flags = u8();
        if ((flags & ~(REPLY_READ_ONLY | REPLY_DIGEST_ONLY)) != 0) throw bad("reply flags " + Integer.toHexString(flags));
        boolean digestOnly = (flags & REPLY_DIGEST_ONLY) != 0;
        long view = view();
        long timestamp = nonNegative(i64(), "timestamp");
        int client = i32();
        int replica = replica();
        int len = i32();
        if (digestOnly && len != Digest.LENGTH) throw bad("digest-only reply with " + len + " bytes");
        byte[] result = bytes(len, digestOnly ? Digest.LENGTH : limits.maxResultBytes(), "result");
        return new Reply(view, timestamp, client, replica, (flags & REPLY_READ_ONLY) != 0, digestOnly, result);
    }

    private Status readStatus() throws DecodeException {
        long view = view();
        int replica = replica();
        int active = u8();
        if (active > 1) throw bad("viewActive flag " + active);
        long stable = nonNegative(i64(), "stableSeq");
        long executed = nonNegative(i64(), "lastExecuted");
        long viewChanges = i64();
        if (limits.replicaCount() < 64 && (viewChanges >>> limits.replicaCount()) != 0) throw bad("view-change set names a replica >= n");
        long[] prepared = words();
        long[] committed = words();
        return new Status(view, replica, active == 1, stable, executed, viewChanges, prepared, committed);
    }

    private NewKey readNewKey() throws DecodeException {
        int sender = i32();
        if (sender < 0) throw bad("sender " + sender);
        long counter = nonNegative(i64(), "counter");
        int count = count(u16(), limits.maxNewKeyShares(), KEY_SHARE_FIXED_BYTES + 1, "key shares");
        NewKey.KeyShare[] shares = new NewKey.KeyShare[count];
        int last = -1;
        for (int i = 0; i < count; i++) {
            int receiver = i32();
            // Strictly increasing replica ids: canonical, and no duplicates without a set.
            if (receiver <= last || receiver >= limits.replicaCount() || receiver == sender) throw bad("key share receiver " + receiver);
            last = receiver;
            shares[i] = new NewKey.KeyShare(receiver, nonEmpty(bytes(u16(), limits.maxKeyShareBytes(), "ciphertext"), "ciphertext"));
        }
        byte[] signature = nonEmpty(bytes(u16(), limits.maxSignatureBytes(), "signature"), "signature");
        return new NewKey(sender, counter, list(shares), signature);
    }

    private ViewChange readViewChange() throws DecodeException {
        long view = view();
        int replica = replica();
        long stableSeq = nonNegative(i64(), "stableSeq");
        // Every list is strictly increasing by sequence number: canonical, and at most one entry per number.
        int count = count(u16(), limits.maxCheckpoints(), CHECKPOINT_REF_BYTES, "checkpoints");
        ViewChange.CheckpointRef[] checkpoints = new ViewChange.CheckpointRef[count];
        long last = -1;
        for (int i = 0; i < count; i++) {
            last = after(last, seq(), "checkpoint");
            checkpoints[i] = new ViewChange.CheckpointRef(last, digest());
        }
        count = count(u16(), limits.maxLogEntries(), PREPARED_ENTRY_BYTES, "prepared");
        ViewChange.PreparedEntry[] prepared = new ViewChange.PreparedEntry[count];
        last = -1;
        for (int i = 0; i < count; i++) {
            last = after(last, seq(), "prepared");
            prepared[i] = new ViewChange.PreparedEntry(last, digest(), view());
        }
        count = count(u16(), limits.maxLogEntries(), Q_ENTRY_FIXED_BYTES + DIGEST_VIEW_BYTES, "pre-prepared");
        ViewChange.PrePreparedEntry[] prePrepared = new ViewChange.PrePreparedEntry[count];
        last = -1;
        for (int i = 0; i < count; i++) {
            last = after(last, seq(), "pre-prepared");
            prePrepared[i] = new ViewChange.PrePreparedEntry(last, digestViews(last));
        }
        return new ViewChange(view, replica, stableSeq, list(checkpoints), list(prepared), list(prePrepared));
    }

    /** The (digest, view) pairs of the Q entry for {@code seq}: 1..f+2 of them, each digest once (Figure 2). */
    private List<ViewChange.DigestView> digestViews(long seq) throws DecodeException {
        int pairs = u16();
        if (pairs == 0) throw bad("pre-prepared entry for seq " + seq + " without pairs");
        pairs = count(pairs, limits.maxQPairs(), DIGEST_VIEW_BYTES, "pre-prepared pairs");
        ViewChange.DigestView[] dvs = new ViewChange.DigestView[pairs];
        for (int i = 0; i < pairs; i++) {
            Digest d = digest();
            for (int j = 0; j < i; j++) {
                if (dvs[j].digest().equals(d)) throw bad("digest " + d + " twice in the pre-prepared entry for seq " + seq);
            }
            dvs[i] = new ViewChange.DigestView(d, view());
        }
        return list(dvs);
    }

    private NewView readNewView() throws DecodeException {
        long view = view();
        int count = count(u16(), limits.replicaCount(), VIEW_CHANGE_REF_BYTES, "view-changes");
        NewView.ViewChangeRef[] refs = new NewView.ViewChangeRef[count];
        int last = -1;
        for (int i = 0; i < count; i++) {
            int replica = replica();
            // Strictly increasing replica ids: canonical, and one view-change per replica.
            if (replica <= last) throw bad("view-change of replica " + replica + " after " + last);
            last = replica;
            refs[i] = new NewView.ViewChangeRef(replica, digest());
        }
        long checkpointSeq = nonNegative(i64(), "checkpointSeq");
        Digest checkpointDigest = digest();
        count = count(u16(), limits.maxLogEntries(), Digest.LENGTH, "selected");
        Digest[] selected = new Digest[count];
        for (int i = 0; i < count; i++) selected[i] = digest();
        return new NewView(view, list(refs), checkpointSeq, checkpointDigest, list(selected));
    }

    private FetchBatch readFetchBatch() throws DecodeException {
        int replica = replica();
        long seq = seq();
        if (seq == 0) throw bad("fetch for seq 0"); // sequence number 0 is the initial state, never a batch
        return new FetchBatch(replica, seq, digest());
    }

    private MetaData readMetaData() throws DecodeException {
        long checkpoint = seq();
        int level = u8();
        int index = index("partition");
        int replica = replica();
        int count = u16();
        if (count == 0) throw bad("meta-data without children");
        count = count(count, PartitionTree.FANOUT, PARTITION_BYTES, "children");
        Partition[] children = new Partition[count];
        for (int i = 0; i < count; i++) {
            long lm = i64();
            // lm is a checkpoint sequence number, or UNKNOWN_LM never: a replier only serves checkpoints.
            children[i] = new Partition(nonNegative(lm, "lm"), digest());
        }
        return new MetaData(checkpoint, level, index, replica, list(children));
    }

    private int index(String what) throws DecodeException {
        int i = i32();
        if (i < 0) throw bad(what + " index " + i);
        return i;
    }

    private AuthFailure readAuthFailure() throws DecodeException {
        int replica = replica();
        long view = view();
        long seq = seq();
        if (seq == 0) throw bad("auth failure at seq 0");
        int client = i32();
        if (client < limits.replicaCount()) throw bad("auth failure for principal " + client + ", not a client");
        return new AuthFailure(replica, view, seq, client, nonNegative(i64(), "timestamp"));
    }

    /** {@code seq}, which must be greater than {@code last}. */
    private static long after(long last, long seq, String what) throws DecodeException {
        if (seq <= last) throw bad(what + " seq " + seq + " after " + last);
        return seq;
    }

    private static <T> List<T> list(T[] elements) { return Collections.unmodifiableList(Arrays.asList(elements)); }

    private long[] words() throws DecodeException {
        int count = count(u16(), limits.maxStatusWords(), 8, "status bitmap");
        long[] w = new long[count];
        for (int i = 0; i < count; i++) w[i] = i64();
        return w;
    }

    private int principal() throws DecodeException {
        int p = i32();
        if (p < 0) throw bad("principal " + p);
        return p;
    }

    private long view() throws DecodeException { return nonNegative(i64(), "view"); }

    private long seq() throws DecodeException { return nonNegative(i64(), "seq"); }

    private int replica() throws DecodeException {
        int r = i32();
        if (r < 0 || r >= limits.replicaCount()) throw bad("replica " + r);
        return r;
    }

    private Digest digest() throws DecodeException {
        need(Digest.LENGTH);
        Digest d = new Digest(Arrays.copyOfRange(buf, pos, pos + Digest.LENGTH));
        pos += Digest.LENGTH;
        return d;
    }

    /** A count bounded by its limit and by what the remaining bytes could hold at {@code minEach} bytes per element. */
    private int count(int n, int max, int minEach, String what) throws DecodeException {
        if (n > max) throw new DecodeException(RejectReason.OVERSIZED, what + " count " + n + " > " + max);
        if ((long) n * minEach > end - pos) throw new DecodeException(RejectReason.TRUNCATED, what + " count " + n + " exceeds frame");
        return n;
    }

    /** Copies a length-prefixed field after checking the length against its limit and the bytes left. */
    private byte[] bytes(int len, int max, String what) throws DecodeException {
        if (len < 0) throw bad(what + " length " + len);
        if (len > max) throw new DecodeException(RejectReason.OVERSIZED, what + " of " + len + " bytes > " + max);
        need(len);
        byte[] b = Arrays.copyOfRange(buf, pos, pos + len);
        pos += len;
        return b;
    }

    private void need(int n) throws DecodeException {
        if (end - pos < n) throw new DecodeException(RejectReason.TRUNCATED, "need " + n + " bytes, have " + (end - pos));
    }

    private int u8() throws DecodeException {
        need(1);
        return buf[pos++] & 0xff;
    }

    private int u16() throws DecodeException {
        need(2);
        int v = (short) I16.get(buf, pos) & 0xffff;
        pos += 2;
        return v;
    }

    private int i32() throws DecodeException {
        need(4);
        int v = (int) I32.get(buf, pos);
        pos += 4;
        return v;
    }

    private long i64() throws DecodeException {
        need(8);
        long v = (long) I64.get(buf, pos);
        pos += 8;
        return v;
    }

    private static long nonNegative(long v, String what) throws DecodeException {
        if (v < 0) throw bad(what + " " + v);
        return v;
    }

    private static byte[] nonEmpty(byte[] b, String what) throws DecodeException {
        if (b.length == 0) throw bad("empty " + what);
        return b;
    }

    private static DecodeException bad(String detail) { return new DecodeException(RejectReason.BAD_FIELD, detail); }

    // ------------------------------------------------------------------ digests

    /**
     * The request digest: over client, timestamp, readOnly and operation only. Not the replier
     * (a retransmission asking every replica for the full result is the same request) and not
     * the authenticator (each backup sees a different entry, section 4.2).
     */
    public static Digest requestDigest(Request r) {
        MessageDigest md = SHA256.get()[0];
        return new Digest(requestDigestInto(md, r, new byte[Digest.LENGTH]));
    }

    private static byte[] requestDigestInto(MessageDigest md, Request r, byte[] out) {
        md.reset(); // a digest abandoned by an exception (null operation) must not leak into this one
        md.update(DOMAIN_REQUEST);
        // client (4, big-endian), timestamp (8, big-endian), readOnly (1): one update, not 13.
        byte[] fixed = FIXED_FIELDS.get();
        int c = r.client();
        fixed[0] = (byte) (c >>> 24);
        fixed[1] = (byte) (c >>> 16);
        fixed[2] = (byte) (c >>> 8);
        fixed[3] = (byte) c;
        long t = r.timestamp();
        for (int i = 0; i < 8; i++) fixed[4 + i] = (byte) (t >>> (56 - 8 * i));
        fixed[12] = (byte) (r.readOnly() ? 1 : 0);
        md.update(fixed, 0, 13);
        md.update(r.operation()); // last field, so no length needed
        try {
            md.digest(out, 0, Digest.LENGTH);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** The batch digest a pre-prepare carries: over nonDet and the request digests, in order. */
    public static Digest batchDigest(List<Request> batch, byte[] nonDet) {
        MessageDigest[] mds = SHA256.get();
        MessageDigest md = mds[1];
        md.reset();
        md.update(DOMAIN_BATCH);
        updateInt(md, nonDet.length);
        md.update(nonDet);
        updateInt(md, batch.size());
        byte[] d = new byte[Digest.LENGTH];
        for (Request r : batch) md.update(requestDigestInto(mds[0], r, d));
        return new Digest(md.digest());
    }

    /**
     * The digest that names a VIEW-CHANGE in VIEW-CHANGE-ACKs and NEW-VIEWs (section 4.5): over its
     * canonical encoding, so over every field, the author and view included. A copy forwarded by
     * another replica has the same digest.
     */
    public static Digest viewChangeDigest(ViewChange v) {
        byte[] body = new byte[bodySize(v)];
        writeBody(v, body, 0);
        MessageDigest md = SHA256.get()[0];
        md.reset();
        md.update(DOMAIN_VIEW_CHANGE);
        md.update(body); // self-delimiting, so no length needed
        return new Digest(md.digest());
    }

    /** The digest a digest-only REPLY carries instead of the result (section 4.2's reply-digest optimization). */
    public static Digest resultDigest(byte[] result) {
        MessageDigest md = SHA256.get()[0];
        md.reset();
        md.update(DOMAIN_RESULT);
        md.update(result);
        return new Digest(md.digest());
    }

    private static void updateInt(MessageDigest md, int v) {
        byte[] b = FIXED_FIELDS.get();
        b[0] = (byte) (v >>> 24);
        b[1] = (byte) (v >>> 16);
        b[2] = (byte) (v >>> 8);
        b[3] = (byte) v;
        md.update(b, 0, 4);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
