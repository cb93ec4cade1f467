package io.bulwark.bft.core;

import io.bulwark.bft.crypto.CoProcessor;
import io.bulwark.bft.crypto.Signatures;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The recovery request's operation and its result (section 4.4, "Send recovery request"): the
 * engine's own operation, executed by the core and never by the service. Its client is a replica
 * (ids below n; a client's are n and up), which is how the core tells it from an application request.
 * <p>
 * Operation: [u32 magic "RCV2"][i64 H_M][64 Ed25519 signature]. The paper's request is
 * {@code <REQUEST, <RECOVERY, H_M>, t, i>σ_i}: signed by replica i's secure co-processor, t its
 * counter. Here the signature is the co-processor's ({@link CoProcessor#sign}) over
 * {@link #signedPayload}(i, H_M) followed by t, and t is the request's timestamp. MACs alone do not
 * make a recovery request authentic: the MAC keys the other replicas chose for i before its reboot
 * are known to whoever compromised i, and a request forged under them with a higher timestamp would
 * pre-empt the real one (a replay in the client table, or within the refusal window). The signature
 * sits inside the operation, so the request digest and the pre-prepare's batch digest cover it.
 * <p>
 * Result: [u8 status][i64 n_R][i64 accepted at, agreed ms], where n_R is the sequence number it
 * executed at (or, when refused, the one it would have), and "accepted at" is the agreed time of the
 * last recovery request of that replica that was accepted (this one's when it is) — kept in the
 * client table, part of the replicated state, so every correct replica refuses the same requests,
 * also after a state transfer.
 */
public record RecoveryOp(long hm, byte[] signature) {
    static final int MAGIC = 0x52435632;   // "RCV2" (the unsigned "RCVR" of before is refused)
    static final int BYTES = 4 + 8 + Signatures.SIGNATURE_LENGTH;
    /** Separates what the co-processor signs here from a NEW-KEY's payload (which starts with its own tag). */
    private static final byte[] DOMAIN = "bulwark recovery request v1\0".getBytes(StandardCharsets.US_ASCII);

    public RecoveryOp {
        if (hm < 0) throw new IllegalArgumentException("H_M " + hm);
        if (signature == null || signature.length != Signatures.SIGNATURE_LENGTH) throw new IllegalArgumentException("signature must be " + Signatures.SIGNATURE_LENGTH + " bytes");
        signature = signature.clone();
    }

    @Override public byte[] signature() { return signature.clone(); }

    /** The operation bytes of a recovery request. */
    public byte[] encode() { return ByteBuffer.allocate(BYTES).putInt(MAGIC).putLong(hm).put(signature).array(); }

    /**
     * The bytes replica {@code replica}'s co-processor signs for a recovery request with H_M {@code hm}
     * (it appends its counter t, the request's timestamp): a domain tag, the replica, RECOVERY, H_M.
     */
    static byte[] signedPayload(int replica, long hm) {
        return ByteBuffer.allocate(DOMAIN.length + 4 + 4 + 8).put(DOMAIN).putInt(replica).putInt(MAGIC).putLong(hm).array();
    }

    /** Whether the signature is {@code replica}'s co-processor's ({@code publicKey}) over this H_M and {@code timestamp}; never throws. */
    boolean signedBy(byte[] publicKey, int replica, long timestamp) {
        return CoProcessor.verify(publicKey, signedPayload(replica, hm), timestamp, signature);
    }

    /**
     * The operation, or null when the bytes are not a well-formed recovery operation (fail-closed:
     * exactly {@link #BYTES} long, the magic, H_M not negative; the signature is checked apart).
     */
    static RecoveryOp decode(byte[] op) {
        if (op == null || op.length != BYTES) return null;
        ByteBuffer b = ByteBuffer.wrap(op);
        if (b.getInt() != MAGIC) return null;
        long hm = b.getLong();
        return hm < 0 ? null : new RecoveryOp(hm, Arrays.copyOfRange(op, 12, BYTES));
    }

    @Override public boolean equals(Object o) { return o instanceof RecoveryOp x && x.hm == hm && Arrays.equals(x.signature, signature); }

    @Override public int hashCode() { return 31 * Long.hashCode(hm) + Arrays.hashCode(signature); }

    @Override public String toString() { return "RecoveryOp[hm=" + hm + "]"; }

    /** What the replicas answered. */
    enum Status {
        /** Executed: the other replicas refreshed their keys (section 4.4). */
        ACCEPTED,
        /** Refused: a recovery request of the same replica was accepted less than the agreed spacing ago (half the watchdog period, section 4.4). */
        TOO_SOON
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
