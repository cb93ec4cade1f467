package io.bulwark.store.xa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bulwark.store.XaBranchException;
import java.util.List;
import java.util.SplittableRandom;
import javax.transaction.xa.XAException;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.Test;

/** Xids as the store carries them: bounded, fail-closed decoding, equal by value; recover answers decoded fail-closed. */
class BranchXidTest {

    @Test
    void roundTripsAndComparesByValue() throws XAException {
        BranchXid x = new BranchXid(7, new byte[64], new byte[64]);
        assertEquals(x, BranchXid.decode(x.encode()));
        assertEquals(BranchXid.MAX_ENCODED, x.encode().length);
        Xid foreign = new Xid() {
            @Override public int getFormatId() { return 7; }

            @Override public byte[] getGlobalTransactionId() { return new byte[64]; }

            @Override public byte[] getBranchQualifier() { return new byte[64]; }
        };
        assertEquals(x, BranchXid.of(foreign), "a manager's own Xid class is copied by value");
        byte[] g = {1, 2, 3};
        BranchXid y = new BranchXid(1, g, new byte[0]);
        g[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, y.gtrid(), "a defensive copy");
    }

    @Test
    void outOfBoundsXidsAreRefused() {
        assertEquals(XAException.XAER_INVAL, assertThrows(XAException.class, () -> BranchXid.of(null)).errorCode);
        assertEquals(XAException.XAER_INVAL, assertThrows(XAException.class,
                () -> BranchXid.of(xid(1, new byte[65], new byte[1]))).errorCode);
        assertEquals(XAException.XAER_INVAL, assertThrows(XAException.class,
                () -> BranchXid.of(xid(1, new byte[1], new byte[65]))).errorCode);
        assertEquals(XAException.XAER_INVAL, assertThrows(XAException.class,
                () -> BranchXid.of(xid(1, new byte[0], new byte[1]))).errorCode);
        assertEquals(XAException.XAER_INVAL, assertThrows(XAException.class,
                () -> BranchXid.of(xid(-1, new byte[1], new byte[1]))).errorCode, "the null Xid");
        assertEquals(XAException.XAER_INVAL, assertThrows(XAException.class,
                () -> BranchXid.of(xid(1, null, new byte[1]))).errorCode);
    }

    @Test
    void randomBytesNeverDecodeToSomethingElse() {
        SplittableRandom random = new SplittableRandom(13);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[random.nextInt(0, 140)];
            random.nextBytes(b);
            try {
                BranchXid x = BranchXid.decode(b);
                assertArrayEquals(b, x.encode(), "whatever decodes is exactly its encoding");
            } catch (XaBranchException e) {
                assertEquals(XAException.XAER_INVAL, e.errorCode());
            }
        }
    }

    @Test
    void recoverAnswersDecodeFailClosed() throws XAException {
        List<BranchXid> xids = List.of(new BranchXid(1, new byte[] {1}, new byte[0]), new BranchXid(2, new byte[] {2}, new byte[] {3}));
        assertEquals(xids, XaVerbs.decodeXids(XaVerbs.encodeXids(xids)));
        byte[] good = XaVerbs.encodeXids(xids);
        for (int cut = 0; cut < good.length; cut++) {
            byte[] truncated = java.util.Arrays.copyOf(good, cut);
            assertEquals(XAException.XAER_RMERR, assertThrows(XAException.class, () -> XaVerbs.decodeXids(truncated)).errorCode);
        }
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        assertEquals(XAException.XAER_RMERR, assertThrows(XAException.class, () -> XaVerbs.decodeXids(trailing)).errorCode);
    }

    private static Xid xid(int format, byte[] g, byte[] b) {
        return new Xid() {
            @Override public int getFormatId() { return format; }

            @Override public byte[] getGlobalTransactionId() { return g; }

            @Override public byte[] getBranchQualifier() { return b; }
        };
    }
}
