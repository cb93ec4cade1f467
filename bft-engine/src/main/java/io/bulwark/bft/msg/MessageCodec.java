package io.bulwark.bft.msg;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.crypto.Digests;
import io.bulwark.bft.state.PartitionTree;
import java.util.List;

/**
 * Compact big-endian binary encoding of every {@link Message}, and a decoder that fails closed
 * (DESIGN principle 3): every length and count is checked against {@link CodecLimits} and
 * against the bytes actually left before anything is allocated; unknown type bytes, flag bits
 * and trailing bytes are rejected; the only thing it throws is {@link DecodeException}.
 * It dispatches through the table {@link MessageType}; each type's body is written and read by
 * its codec next to its record ({@code PrepareCodec} beside {@code Prepare}).
 *
 * <p>Bodies (all integers big-endian; u8/u16 unsigned, i32/i64 signed; lengths precede data):
 * <pre>
 * REQUEST      [u8 flags = 0xA0 | readOnly][i32 client][i64 timestamp][i32 replier]
 *              [i32 opLen][op] [u16 authLen = n*tag][auth]
 *              The client authenticator covers the first {@link #requestAuthedLength} bytes:
 *              every field except auth (see {@code RequestCodec}).
 * PRE_PREPARE  [i64 view][i64 seq][32 digest][u16 nonDetLen][nonDet][u16 count][count REQUESTs]
 * PRE_PREPARE_BY_DIGEST [i64 view][i64 seq][32 digest][u16 nonDetLen][nonDet][u16 count]
 *              count * (a REQUEST, or a reference: [u8 0xB0 | readOnly][i32 client][i64 timestamp][i32 replier][32 request digest])
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
 * DATA         [i32 page][i64 lm][4096 value]
 * AUTH_FAILURE [i32 replica][i64 view][i64 seq > 0][i32 client >= n][i64 timestamp]
 * SUSPECT      [i64 view][i32 replica]
 * KEY_ACK      [i32 replica][i32 client][i64 counter]
 * STATUS_QUERY [i32 client][i64 nonce]
 * STATUS_REPORT [i32 replica][i32 client][i64 nonce][i64 view][u8 flags][i64 executed][i64 stable][i64 viewChanges]
 *              [i64 transfers][i64 pages][u8 count] count * ([u8 len][name][i64 value])
 * QUERY_STABLE [i32 replica][i64 nonce]
 * REPLY_STABLE [i32 replica][i32 recovering replica][i64 nonce][i64 checkpoint][i64 prepared]
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
    /** The highest type code: known types are 1..{@code LAST_TYPE} ({@link MessageType}). */
    public static final int LAST_TYPE = java.util.Arrays.stream(MessageType.values()).mapToInt(MessageType::code).max().orElseThrow();

    /** flags, client, timestamp, replier, opLen: the authenticated part without the operation. */
    public static final int REQUEST_AUTHED_FIXED_BYTES = 1 + 4 + 8 + 4 + 4;
    /** A request without its operation and auth bytes (adds the u16 auth length). */
    public static final int REQUEST_FIXED_BYTES = REQUEST_AUTHED_FIXED_BYTES + 2;
    /** Offset of the first request in a pre-prepare body is this plus nonDet.length. */
    public static final int PRE_PREPARE_FIXED_BYTES = 8 + 8 + Digest.LENGTH + 2 + 2;
    public static final int PREPARE_BYTES = 8 + 8 + Digest.LENGTH + 4;
    /** A request named by digest in a PRE_PREPARE_BY_DIGEST: flags, client, timestamp, replier, digest. */
    public static final int REQUEST_REF_BYTES = 1 + 4 + 8 + 4 + Digest.LENGTH;
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
    public static final int SUSPECT_BYTES = 8 + 4;
    public static final int KEY_ACK_BYTES = 4 + 4 + 8;
    public static final int STATUS_QUERY_BYTES = 4 + 8;
    public static final int STATUS_REPORT_FIXED_BYTES = 4 + 4 + 8 + 8 + 1 + 5 * 8 + 1;
    /** Counters one STATUS-REPORT carries at most, and the longest counter name (the report stays below a DATA body). */
    public static final int STATUS_REPORT_MAX_COUNTERS = 48;
    public static final int STATUS_REPORT_MAX_NAME = 40;
    public static final int QUERY_STABLE_BYTES = 4 + 8;
    public static final int REPLY_STABLE_BYTES = 4 + 4 + 8 + 8 + 8;
    public static final int BIND_CHALLENGE_BYTES = 4 + 8 + 8;
    public static final int BIND_PROOF_BYTES = 4 + 4 + 4 * 8;

    private final CodecLimits limits;
    /** Decoder cursor, reused for every decode: set per call, cleared afterwards. */
    private final BodyReader reader;

    public MessageCodec(CodecLimits limits) {
        this.limits = limits;
        this.reader = new BodyReader(limits);
    }

    public CodecLimits limits() { return limits; }

    // ------------------------------------------------------------------ types

    /** The type code of {@code m} ({@link MessageType#of}). */
    public static int typeOf(Message m) { return MessageType.of(m).code(); }

    public static boolean isKnownType(int type) { return MessageType.ofCode(type) != null; }

    // ------------------------------------------------------------------ sizes

    /** Bytes {@link #writeBody} will write for {@code m}. Throws IllegalArgumentException for unencodable records. */
    public static int bodySize(Message m) { return MessageType.of(m).codec().size(m); }

    /** Encoded size of a request including its auth (which must be present). */
    public static int requestEncodedSize(Request r) { return RequestCodec.INSTANCE.size(r); }

    /** Length of the region the client authenticator covers: the request's encoding up to (not including) the auth length. */
    public static int requestAuthedLength(Request r) { return RequestCodec.authedLength(r); }

    /** Offset, within a pre-prepare's body, of its first request. */
    public static int prePrepareBatchOffset(PrePrepare p) { return PRE_PREPARE_FIXED_BYTES + p.nonDet().length; }

    /** Offset of the first entry in a PRE_PREPARE_BY_DIGEST body (the same layout up to the entries). */
    public static int prePrepareBatchOffset(PrePrepareByDigest p) { return PRE_PREPARE_FIXED_BYTES + p.nonDet().length; }

    // ------------------------------------------------------------------ encoding

    /** Self-describing encoding {@code [u8 type][body]}, for storage and tests; frames use {@link #writeBody}. */
    public static byte[] encode(Message m) {
        MessageType type = MessageType.of(m);
        byte[] out = new byte[1 + type.codec().size(m)];
        out[0] = (byte) type.code();
        type.codec().write(m, out, 1);
        return out;
    }

    /** The bytes a request's client authenticator covers (every field but auth). Allocates; the wire MACs in place. */
    public static byte[] requestBody(Request r) {
        byte[] out = new byte[requestAuthedLength(r)];
        writeRequestAuthed(r, out, 0);
        return out;
    }

    /**
     * Writes the body of {@code m} at {@code out[off...]}, which must have {@link #bodySize} bytes
     * free; returns the offset after it.
     */
    public static int writeBody(Message m, byte[] out, int off) { return MessageType.of(m).codec().write(m, out, off); }

    /**
     * Writes every field of {@code r} but its auth (the region the client authenticator covers,
     * {@link #requestAuthedLength} bytes) at {@code out[off...]}; returns the offset after it, where
     * the u16 auth length and the auth follow. Lets a client encode and MAC its request in place.
     */
    public static int writeRequestAuthed(Request r, byte[] out, int off) { return RequestCodec.writeAuthed(r, out, off); }

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
        MessageType t = MessageType.ofCode(type);
        if (t == null) throw new DecodeException(RejectReason.UNKNOWN_TYPE, "type " + type);
        reader.reset(in, off, len);
        try {
            Message m = t.codec().read(reader);
            if (reader.remaining() != 0) throw new DecodeException(RejectReason.TRAILING_BYTES, reader.remaining() + " bytes after " + m.getClass().getSimpleName());
            return m;
        } finally {
            reader.clear();
        }
    }

    // ------------------------------------------------------------------ digests (in crypto.Digests; kept here for core's callers)

    /** {@link Digests#request}: see {@link Request#digest()}. */
    public static Digest requestDigest(Request r) { return r.digest(); }

    /** {@link Digests#batch}: see {@link PrePrepare#batchDigest}. */
    public static Digest batchDigest(List<Request> batch, byte[] nonDet) { return PrePrepare.batchDigest(batch, nonDet); }

    /** {@link Digests#viewChange}: see {@link ViewChange#digest()}. */
    public static Digest viewChangeDigest(ViewChange v) { return v.digest(); }

    /** {@link Digests#result}. */
    public static Digest resultDigest(byte[] result) { return Digests.result(result); }
}
