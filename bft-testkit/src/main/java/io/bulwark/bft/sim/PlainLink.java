package io.bulwark.bft.sim;

import io.bulwark.bft.msg.BatchEntry;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.PrePrepareByDigest;
import io.bulwark.bft.msg.Request;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.List;

/**
 * A link that passes message records as they are; the sender's identity travels beside them.
 * <p>
 * Requests of correct clients carry no authenticator here. An adversary's request whose
 * authenticator is valid at some replicas only carries a marker instead ({@link #partialAuth}),
 * and this link rejects the request at a replica outside the valid set, as the frame layer would
 * (BAD_MAC), and marks it unverified in a pre-prepare (BAD_REQUEST_MAC). A {@link Forged} payload (a forged
 * MAC) is rejected everywhere.
 */
final class PlainLink implements Link {
    /** A payload whose MAC does not verify. */
    record Forged(Object original) {}

    private static final int MARK = 0xB16AAC00;
    private final int self;
    private long rejected;

    PlainLink(int self) { this.self = self; }

    @Override public Object sealTo(int to, Message m) { return new Received(self, m); }

    @Override public Object sealMulticast(Message m) { return new Received(self, m); }

    @Override public Object sealRequestValidAt(Request r, long validAt) {
        return new Received(self, r.withAuth(partialAuth(validAt)));
    }

    static byte[] partialAuth(long validAt) { return ByteBuffer.allocate(12).putInt(MARK).putLong(validAt).array(); }

    /** Whether a request's (marker) authenticator verifies at {@code replica}. */
    static boolean validAt(Request r, int replica) {
        byte[] a = r.auth();
        if (a == null || a.length != 12) return true;
        ByteBuffer b = ByteBuffer.wrap(a);
        if (b.getInt() != MARK) return true;
        return replica >= 64 || (b.getLong() & (1L << replica)) != 0;
    }

    @Override public Received open(Object payload) {
        if (payload instanceof Forged) { rejected++; return null; }
        Received r = (Received) payload;
        if (r.message() instanceof Request q && !validAt(q, self)) { rejected++; return null; }
        // As the frame layer does: the pre-prepare is delivered, its unverifiable requests marked.
        List<? extends BatchEntry> batch = r.message() instanceof PrePrepare pp ? pp.batch()
                : r.message() instanceof PrePrepareByDigest pp ? pp.batch() : null;
        if (batch != null) {
            BitSet unverified = null;
            for (int i = 0; i < batch.size(); i++) {
                if (!(batch.get(i) instanceof Request q) || validAt(q, self)) continue;
                if (unverified == null) unverified = new BitSet();
                unverified.set(i);
            }
            if (unverified != null) return new Received(r.from(), r.message(), unverified);
        }
        return r;
    }

    @Override public long rejected() { return rejected; }
}
