package io.bulwark.bft.msg;

/**
 * The one table of message types: each row is a type code (the byte in the frame header and in
 * the self-describing encoding), the record, and the codec of its body (kept next to the record).
 * Adding a message is one record, one codec and one row here; {@link MessageCodec} dispatches by
 * this table, and the wire's per-type rules ({@code wire.Frame#allowed}) switch over it exhaustively,
 * so the compiler points at every place a new type needs a decision. Codes are wire format: never
 * renumber a row.
 */
public enum MessageType {
    REQUEST(1, Request.class, RequestCodec.INSTANCE),
    PRE_PREPARE(2, PrePrepare.class, PrePrepareCodec.INSTANCE),
    PREPARE(3, Prepare.class, PrepareCodec.INSTANCE),
    COMMIT(4, Commit.class, CommitCodec.INSTANCE),
    REPLY(5, Reply.class, ReplyCodec.INSTANCE),
    CHECKPOINT(6, Checkpoint.class, CheckpointCodec.INSTANCE),
    STATUS(7, Status.class, StatusCodec.INSTANCE),
    NEW_KEY(8, NewKey.class, NewKeyCodec.INSTANCE),
    VIEW_CHANGE(9, ViewChange.class, ViewChangeCodec.INSTANCE),
    VIEW_CHANGE_ACK(10, ViewChangeAck.class, ViewChangeAckCodec.INSTANCE),
    NEW_VIEW(11, NewView.class, NewViewCodec.INSTANCE),
    FETCH_BATCH(12, FetchBatch.class, FetchBatchCodec.INSTANCE),
    FETCH(13, Fetch.class, FetchCodec.INSTANCE),
    META_DATA(14, MetaData.class, MetaDataCodec.INSTANCE),
    DATA(15, Data.class, DataCodec.INSTANCE),
    AUTH_FAILURE(16, AuthFailure.class, AuthFailureCodec.INSTANCE),
    BIND_CHALLENGE(17, BindChallenge.class, BindChallengeCodec.INSTANCE),
    BIND_PROOF(18, BindProof.class, BindProofCodec.INSTANCE),
    SUSPECT(19, Suspect.class, SuspectCodec.INSTANCE),
    KEY_ACK(20, KeyAck.class, KeyAckCodec.INSTANCE),
    STATUS_QUERY(21, StatusQuery.class, StatusQueryCodec.INSTANCE),
    STATUS_REPORT(22, StatusReport.class, StatusReportCodec.INSTANCE),
    QUERY_STABLE(23, QueryStable.class, QueryStableCodec.INSTANCE),
    REPLY_STABLE(24, ReplyStable.class, ReplyStableCodec.INSTANCE),
    PRE_PREPARE_BY_DIGEST(25, PrePrepareByDigest.class, PrePrepareByDigestCodec.INSTANCE);

    private static final MessageType[] BY_CODE = new MessageType[256];
    private static final ClassValue<MessageType> BY_CLASS = new ClassValue<>() {
        @Override protected MessageType computeValue(Class<?> c) {
            for (MessageType t : values()) if (t.record == c) return t;
            return null;
        }
    };

    static {
        for (MessageType t : values()) {
            if (t.code < 1 || t.code > 255 || BY_CODE[t.code] != null) throw new ExceptionInInitializerError("type code " + t.code + " reused or out of range");
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final Class<? extends Message> record;
    private final BodyCodec<? extends Message> codec;

    <M extends Message> MessageType(int code, Class<M> record, BodyCodec<M> codec) {
        this.code = code;
        this.record = record;
        this.codec = codec;
    }

    /** The byte that names this type on the wire. */
    public int code() { return code; }

    /** The record this type decodes to. */
    public Class<? extends Message> record() { return record; }

    /** The type with this code, or null for a code no message has. */
    public static MessageType ofCode(int code) { return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null; }

    /** The type of {@code m}; IllegalArgumentException for null. */
    public static MessageType of(Message m) {
        if (m == null) throw new IllegalArgumentException("not a message: null");
        MessageType t = BY_CLASS.get(m.getClass());
        if (t == null) throw new IllegalArgumentException("not a message: " + m); // unreachable while every permitted record has a row
        return t;
    }

    /** The codec, typed for any message of this type (the caller has checked the type via {@link #of}). */
    @SuppressWarnings("unchecked")
    BodyCodec<Message> codec() { return (BodyCodec<Message>) codec; }
}
