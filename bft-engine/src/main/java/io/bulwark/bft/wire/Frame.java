package io.bulwark.bft.wire;

import io.bulwark.bft.msg.CodecLimits;
import io.bulwark.bft.msg.MessageType;

/**
 * The frame layout (the transport adds its own length prefix; a frame is what is inside it):
 * <pre>
 *   [u8 version][u8 type][i32 sender][u8 authKind]   header, 7 bytes, big-endian
 *   [body]                                         MessageCodec body of the message type
 *   [authentication]                               NONE: nothing
 *                                                  MAC: tagLength bytes
 *                                                  AUTHENTICATOR: [u8 n][n * tagLength bytes]
 * </pre>
 * MACs cover header and body, so the type, sender and kind are authenticated too.
 */
public final class Frame {
    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 7;
    public static final int OFF_VERSION = 0;
    public static final int OFF_TYPE = 1;
    public static final int OFF_SENDER = 2;
    public static final int OFF_AUTH_KIND = 6;

    private Frame() {}

    /** Bytes after the body for this kind of authentication. */
    public static int trailerBytes(AuthKind kind, int replicaCount, int tagLength) {
        return switch (kind) {
            case NONE -> 0;
            case MAC -> tagLength;
            case AUTHENTICATOR -> 1 + replicaCount * tagLength;
        };
    }

    /** Largest trailer any frame can carry. */
    public static int maxTrailerBytes(int replicaCount, int tagLength) {
        return Math.max(tagLength, 1 + replicaCount * tagLength);
    }

    /** The largest frame any valid message can need under {@code limits}: header, body, trailer (capped near 2 GB). */
    public static int largestFrame(CodecLimits limits) {
        long frame = HEADER_BYTES + (long) limits.largestBody() + maxTrailerBytes(limits.replicaCount(), limits.tagLength());
        return (int) Math.min(frame, CodecLimits.NO_FRAME_CAP);
    }

    /** Which authentication a frame of {@code type} may carry; false for a code no message has. */
    public static boolean allowed(int type, AuthKind kind) {
        MessageType t = MessageType.ofCode(type);
        return t != null && allowed(t, kind);
    }

    /**
     * Which message types may carry which authentication. Requests authenticate themselves
     * (their client authenticator travels with them into pre-prepares, section 4.2) and NEW-KEY
     * is signed; replies go to one client and view-change-acks to one replica (MAC, section 4.5);
     * the rest are multicast (authenticator) or retransmitted to one replica (MAC). Exhaustive over
     * {@link MessageType}, with no default: a new type does not compile until it is given its rule.
     */
    public static boolean allowed(MessageType type, AuthKind kind) {
        return switch (type) {
            case REQUEST, NEW_KEY -> kind == AuthKind.NONE;
            // DATA is checked by its digest alone (section 4.6.2: no voting, no MAC); its receiver
            // blames nobody for a bad one (the sender in the header is not authenticated).
            case DATA -> kind == AuthKind.NONE;
            // A challenge is a random value anyone may send; the proof answering it is the MAC.
            case BIND_CHALLENGE -> kind == AuthKind.NONE;
            case BIND_PROOF -> kind == AuthKind.MAC;
            // State transfer goes to one designated replier and back.
            case REPLY, VIEW_CHANGE_ACK, FETCH, META_DATA, REPLY_STABLE -> kind == AuthKind.MAC;
            // To the one client whose key it acknowledges, under that key (its freshness is the point).
            case KEY_ACK -> kind == AuthKind.MAC;
            // An operator's question to one replica, and its answer to that client alone.
            case STATUS_QUERY, STATUS_REPORT -> kind == AuthKind.MAC;
            case PRE_PREPARE, PRE_PREPARE_BY_DIGEST, PREPARE, COMMIT, CHECKPOINT, STATUS, VIEW_CHANGE, NEW_VIEW, FETCH_BATCH, AUTH_FAILURE, SUSPECT, QUERY_STABLE ->
                    kind == AuthKind.MAC || kind == AuthKind.AUTHENTICATOR;
        };
    }

    static void writeHeader(byte[] out, int type, int sender, AuthKind kind) {
        out[OFF_VERSION] = (byte) VERSION;
        out[OFF_TYPE] = (byte) type;
        out[OFF_SENDER] = (byte) (sender >>> 24);
        out[OFF_SENDER + 1] = (byte) (sender >>> 16);
        out[OFF_SENDER + 2] = (byte) (sender >>> 8);
        out[OFF_SENDER + 3] = (byte) sender;
        out[OFF_AUTH_KIND] = (byte) kind.code;
    }

    static int readSender(byte[] buf, int frameOff) {
        int o = frameOff + OFF_SENDER;
        return (buf[o] & 0xff) << 24 | (buf[o + 1] & 0xff) << 16 | (buf[o + 2] & 0xff) << 8 | (buf[o + 3] & 0xff);
    }
}
