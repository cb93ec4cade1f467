package io.bulwark.store.xa;

import io.bulwark.store.XaBranchException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import javax.transaction.xa.XAException;
import javax.transaction.xa.Xid;

/**
 * An XA transaction branch identifier as the store carries it: format id, global transaction id and
 * branch qualifier, each id 1..64 bytes (the XA specification's {@code MAXGTRIDSIZE} and
 * {@code MAXBQUALSIZE}; an empty global id names no transaction). Encoded as
 * {@code [i32 formatId][u8 gtrid length][gtrid][u8 bqual length][bqual]}, at most {@link #MAX_ENCODED}
 * bytes. Decoding untrusted bytes fails closed with a {@link XaBranchException} {@code XAER_INVAL}.
 * Immutable; equal by value (a transaction manager may hand the same Xid back as another object).
 */
public record BranchXid(int formatId, byte[] gtrid, byte[] bqual) implements Xid {
    public static final int MAX_GTRID = Xid.MAXGTRIDSIZE, MAX_BQUAL = Xid.MAXBQUALSIZE;
    public static final int MAX_ENCODED = 4 + 1 + MAX_GTRID + 1 + MAX_BQUAL;

    public BranchXid {
        if (formatId == -1) throw invalid("format id -1 is the null Xid");
        if (gtrid == null || gtrid.length < 1 || gtrid.length > MAX_GTRID)
            throw invalid("global transaction id of " + (gtrid == null ? "null" : gtrid.length + " bytes") + ": it must be 1.." + MAX_GTRID + " bytes");
        if (bqual == null || bqual.length > MAX_BQUAL)
            throw invalid("branch qualifier of " + (bqual == null ? "null" : bqual.length + " bytes") + ": it must be 0.." + MAX_BQUAL + " bytes");
        gtrid = gtrid.clone();
        bqual = bqual.clone();
    }

    /** The store's copy of a transaction manager's Xid; {@link XAException} {@code XAER_INVAL} if it breaks the bounds. */
    public static BranchXid of(Xid xid) throws XAException {
        if (xid == null) throw xaInvalid("the Xid is null");
        if (xid instanceof BranchXid b) return b;
        try {
            return new BranchXid(xid.getFormatId(), xid.getGlobalTransactionId(), xid.getBranchQualifier());
        } catch (XaBranchException e) {
            throw xaInvalid(e.getMessage());
        }
    }

    @Override public int getFormatId() { return formatId; }

    @Override public byte[] getGlobalTransactionId() { return gtrid.clone(); }

    @Override public byte[] getBranchQualifier() { return bqual.clone(); }

    @Override public byte[] gtrid() { return gtrid.clone(); }

    @Override public byte[] bqual() { return bqual.clone(); }

    public byte[] encode() {
        return ByteBuffer.allocate(6 + gtrid.length + bqual.length).putInt(formatId)
                .put((byte) gtrid.length).put(gtrid).put((byte) bqual.length).put(bqual).array();
    }

    /** Exactly one encoded Xid, or {@link XaBranchException} {@code XAER_INVAL} saying what is wrong. */
    public static BranchXid decode(byte[] b) {
        if (b == null || b.length < 6 || b.length > MAX_ENCODED)
            throw invalid("an encoded Xid is 6.." + MAX_ENCODED + " bytes, got " + (b == null ? "none" : b.length));
        ByteBuffer in = ByteBuffer.wrap(b);
        int format = in.getInt();
        int g = in.get() & 0xff;
        if (g < 1 || g > MAX_GTRID || in.remaining() < g + 1) throw invalid("global transaction id length " + g + " is out of bounds");
        byte[] gtrid = new byte[g];
        in.get(gtrid);
        int q = in.get() & 0xff;
        if (q > MAX_BQUAL || in.remaining() != q) throw invalid("branch qualifier length " + q + " does not match the " + in.remaining() + " bytes left");
        byte[] bqual = new byte[q];
        in.get(bqual);
        return new BranchXid(format, gtrid, bqual);
    }

    private static XaBranchException invalid(String why) { return new XaBranchException(XAException.XAER_INVAL, "malformed Xid: " + why); }

    private static XAException xaInvalid(String why) {
        XAException e = new XAException("malformed Xid: " + why);
        e.errorCode = XAException.XAER_INVAL;
        return e;
    }

    @Override public boolean equals(Object o) {
        return o instanceof BranchXid x && formatId == x.formatId && Arrays.equals(gtrid, x.gtrid) && Arrays.equals(bqual, x.bqual);
    }

    @Override public int hashCode() { return (formatId * 31 + Arrays.hashCode(gtrid)) * 31 + Arrays.hashCode(bqual); }

    @Override public String toString() {
        return "Xid[" + formatId + ":" + HexFormat.of().formatHex(gtrid) + ":" + HexFormat.of().formatHex(bqual) + "]";
    }
}
