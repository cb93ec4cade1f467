package io.bulwark.bft.msg;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.crypto.Digests;
import java.util.List;

/**
 * VIEW-CHANGE (section 4.5): replica {@code replica} moves to {@code view} and reports what it
 * knows, so that the new primary can pick a starting checkpoint and a request for every sequence
 * number without signatures.
 *
 * @param stableSeq    ls: the sequence number of the latest stable checkpoint known to the sender
 * @param checkpoints  C: the checkpoints the sender holds, (seq, state digest), ascending by seq
 * @param prepared     P: per sequence number, the request (batch digest) that prepared at the sender
 *                     in the latest view, with that view (Figure 2); ascending by seq
 * @param prePrepared  Q: per sequence number, up to f+2 (digest, latest view it pre-prepared in)
 *                     pairs (Figure 2); ascending by seq
 */
public record ViewChange(long view, int replica, long stableSeq, List<CheckpointRef> checkpoints,
                         List<PreparedEntry> prepared, List<PrePreparedEntry> prePrepared) implements Message {

    /**
     * The digest that names this VIEW-CHANGE in VIEW-CHANGE-ACKs and NEW-VIEWs (section 4.5): over its
     * canonical encoding ({@link Digests#viewChange}), so a copy forwarded by another replica has the same digest.
     */
    public Digest digest() {
        byte[] body = new byte[MessageCodec.bodySize(this)];
        MessageCodec.writeBody(this, body, 0);
        return Digests.viewChange(body);
    }

    /** An entry of C: the sender holds checkpoint {@code seq} with state digest {@code digest}. */
    public record CheckpointRef(long seq, Digest digest) {}

    /** An entry of P: batch {@code digest} prepared at sequence number {@code seq} in {@code view}. */
    public record PreparedEntry(long seq, Digest digest, long view) {}

    /** An entry of Q: the batches that pre-prepared at {@code seq}, each with the latest view it did. */
    public record PrePreparedEntry(long seq, List<DigestView> entries) {}

    /** A (digest, view) pair of a Q entry. */
    public record DigestView(Digest digest, long view) {}
}
