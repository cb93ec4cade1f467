package io.bulwark.bft.core;

import java.nio.ByteBuffer;

/**
 * The recovery request's operation and its result (section 4.4, "Send recovery request"): the
 * engine's own operation, executed by the core and never by the service. Its client is a replica
 * (ids below n; a client's are n and up), which is how the core tells it from an application request.
 * <p>
 * Operation: [u32 magic "RCVR"][i64 H_M]. Result: [u8 status][i64 n_R][i64 accepted at, agreed ms],
 * where n_R is the sequence number it executed at (or, when refused, the one it would have), and
 * "accepted at" is the agreed time of the last recovery request of that replica that was accepted
 * (this one's when it is) — kept in the client table, part of the replicated state, so every correct
 * replica refuses the same requests, also after a state transfer.
 */
record RecoveryOp(long hm) {
    static final int MAGIC = 0x52435652;   // "RCVR"
    static final int BYTES = 12;

    byte[] encode() { return ByteBuffer.allocate(BYTES).putInt(MAGIC).putLong(hm).array(); }

    /** The operation, or null when the bytes are not a well-formed recovery operation (fail-closed). */
    static RecoveryOp decode(byte[] op) {
        if (op == null || op.length != BYTES) return null;
        ByteBuffer b = ByteBuffer.wrap(op);
        if (b.getInt() != MAGIC) return null;
        long hm = b.getLong();
        return hm < 0 ? null : new RecoveryOp(hm);
    }

    /** What the replicas answered. */
    enum Status {
        /** Executed: the other replicas refreshed their keys (section 4.4). */
        ACCEPTED,
        /** Refused: a recovery request of the same replica was accepted less than the agreed spacing ago (half the watchdog period, section 4.4). */
        TOO_SOON,
        /** Refused: not a well-formed recovery operation. */
        MALFORMED
    }

    record Result(Status status, long seq, long acceptedAt) {
        static final int BYTES = 17;

        byte[] encode() { return ByteBuffer.allocate(BYTES).put((byte) status.ordinal()).putLong(seq).putLong(acceptedAt).array(); }

        /** The result, or null when the bytes are not one (fail-closed: a faulty replica's reply). */
        static Result decode(byte[] b) {
            if (b == null || b.length != BYTES) return null;
            ByteBuffer buf = ByteBuffer.wrap(b);
            int s = buf.get();
            if (s < 0 || s >= Status.values().length) return null;
            long seq = buf.getLong(), at = buf.getLong();
            return seq < 0 ? null : new Result(Status.values()[s], seq, at);
        }
    }
}
