package io.bulwark.store.xa;

import io.bulwark.store.XaBranchException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import javax.transaction.xa.XAException;

/**
 * The XA verbs as store requests: reserved operation names (an application's operation names start with
 * a letter or {@code _}, so none can take these), each carrying codec-encoded {@code byte[]} arguments.
 * <pre>
 * #xa.call      (xid, request)  the application request (an envelope) inside the branch; answers its result
 * #xa.prepare   (xid)           XA_OK or XA_RDONLY (an Integer)
 * #xa.commit    (xid)           two-phase commit of a prepared branch
 * #xa.commit1   (xid)           one-phase commit of an active branch
 * #xa.rollback  (xid)
 * #xa.forget    (xid)
 * #xa.recover   ()              the caller's prepared and heuristically completed Xids ({@link #decodeXids})
 * </pre>
 * Every verb is one ordered BFT request; the replicas refuse one sent read-only.
 */
public final class XaVerbs {
    public static final String PREFIX = "#xa.";
    public static final String CALL = "#xa.call", PREPARE = "#xa.prepare", COMMIT = "#xa.commit", COMMIT_ONE_PHASE = "#xa.commit1",
            ROLLBACK = "#xa.rollback", FORGET = "#xa.forget", RECOVER = "#xa.recover";
    /** The most Xids one recover answer can carry (far above any client's bound of open branches). */
    static final int MAX_RECOVERED = 4096;

    private XaVerbs() {}

    public static boolean isVerb(String operation) { return operation.startsWith(PREFIX); }

    /** {@code [u16 count]} then per Xid {@code [u8 length][encoded Xid]}. */
    static byte[] encodeXids(List<BranchXid> xids) {
        int size = 2;
        for (BranchXid x : xids) size += 1 + x.encode().length;
        ByteBuffer out = ByteBuffer.allocate(size).putShort((short) xids.size());
        for (BranchXid x : xids) {
            byte[] e = x.encode();
            out.put((byte) e.length).put(e);
        }
        return out.array();
    }

    /** The Xids of a certified recover answer; {@link XAException} {@code XAER_RMERR} if it does not parse. */
    public static List<BranchXid> decodeXids(byte[] b) throws XAException {
        try {
            ByteBuffer in = ByteBuffer.wrap(b);
            int n = in.getShort() & 0xffff;
            if (n > MAX_RECOVERED) throw new IllegalArgumentException(n + " Xids");
            List<BranchXid> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] e = new byte[in.get() & 0xff];
                in.get(e);
                out.add(BranchXid.decode(e));
            }
            if (in.hasRemaining()) throw new IllegalArgumentException(in.remaining() + " trailing bytes");
            return out;
        } catch (RuntimeException e) {
            XAException x = new XAException("the recover answer cannot be decoded: " + (e instanceof XaBranchException ? e.getMessage() : e.getClass().getSimpleName()));
            x.errorCode = XAException.XAER_RMERR;
            throw x;
        }
    }
}
