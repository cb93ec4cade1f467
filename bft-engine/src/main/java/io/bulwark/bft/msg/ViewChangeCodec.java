package io.bulwark.bft.msg;

import static io.bulwark.bft.msg.BodyWriter.*;
import static io.bulwark.bft.msg.MessageCodec.*;

import io.bulwark.bft.crypto.Digest;
import java.util.List;

/**
 * VIEW-CHANGE (section 4.5, Figure 2): [i64 view][i32 replica][i64 stableSeq]
 * [u16 count] count * ([i64 seq][32 digest])                              C: seqs strictly increasing
 * [u16 count] count * ([i64 seq][32 digest][i64 view])                    P: seqs strictly increasing
 * [u16 count] count * ([i64 seq][u16 pairs] pairs * ([32 digest][i64 view]))
 *                                         Q: seqs strictly increasing, 1..f+2 pairs, digests distinct
 */
final class ViewChangeCodec implements BodyCodec<ViewChange> {
    static final ViewChangeCodec INSTANCE = new ViewChangeCodec();

    private ViewChangeCodec() {}

    @Override public int size(ViewChange v) {
        long size = VIEW_CHANGE_FIXED_BYTES + (long) u16Count(v.checkpoints(), "checkpoints") * CHECKPOINT_REF_BYTES
                + (long) u16Count(v.prepared(), "prepared") * PREPARED_ENTRY_BYTES;
        u16Count(v.prePrepared(), "prePrepared");
        for (ViewChange.PrePreparedEntry q : v.prePrepared())
            size += Q_ENTRY_FIXED_BYTES + (long) u16Count(q.entries(), "pre-prepared pairs") * DIGEST_VIEW_BYTES;
        return checkedSize(size);
    }

    @Override public int write(ViewChange v, byte[] out, int off) {
        int o = putLong(out, off, v.view());
        o = putInt(out, o, v.replica());
        o = putLong(out, o, v.stableSeq());
        o = putShort(out, o, v.checkpoints().size());
        for (ViewChange.CheckpointRef c : v.checkpoints()) {
            o = putLong(out, o, c.seq());
            o = putDigest(out, o, c.digest());
        }
        o = putShort(out, o, v.prepared().size());
        for (ViewChange.PreparedEntry p : v.prepared()) {
            o = putLong(out, o, p.seq());
            o = putDigest(out, o, p.digest());
            o = putLong(out, o, p.view());
        }
        o = putShort(out, o, v.prePrepared().size());
        for (ViewChange.PrePreparedEntry q : v.prePrepared()) {
            o = putLong(out, o, q.seq());
            o = putShort(out, o, q.entries().size());
            for (ViewChange.DigestView dv : q.entries()) {
                o = putDigest(out, o, dv.digest());
                o = putLong(out, o, dv.view());
            }
        }
        return o;
    }

    @Override public ViewChange read(BodyReader in) throws DecodeException {
        CodecLimits limits = in.limits;
        long view = in.view();
        int replica = in.replica();
        long stableSeq = BodyReader.nonNegative(in.i64(), "stableSeq");
        // Every list is strictly increasing by sequence number: canonical, and at most one entry per number.
        int count = in.count(in.u16(), limits.maxCheckpoints(), CHECKPOINT_REF_BYTES, "checkpoints");
        ViewChange.CheckpointRef[] checkpoints = new ViewChange.CheckpointRef[count];
        long last = -1;
        for (int i = 0; i < count; i++) {
            last = BodyReader.after(last, in.seq(), "checkpoint");
            checkpoints[i] = new ViewChange.CheckpointRef(last, in.digest());
        }
        count = in.count(in.u16(), limits.maxLogEntries(), PREPARED_ENTRY_BYTES, "prepared");
        ViewChange.PreparedEntry[] prepared = new ViewChange.PreparedEntry[count];
        last = -1;
        for (int i = 0; i < count; i++) {
            last = BodyReader.after(last, in.seq(), "prepared");
            prepared[i] = new ViewChange.PreparedEntry(last, in.digest(), in.view());
        }
        count = in.count(in.u16(), limits.maxLogEntries(), Q_ENTRY_FIXED_BYTES + DIGEST_VIEW_BYTES, "pre-prepared");
        ViewChange.PrePreparedEntry[] prePrepared = new ViewChange.PrePreparedEntry[count];
        last = -1;
        for (int i = 0; i < count; i++) {
            last = BodyReader.after(last, in.seq(), "pre-prepared");
            prePrepared[i] = new ViewChange.PrePreparedEntry(last, digestViews(in, last));
        }
        return new ViewChange(view, replica, stableSeq, BodyReader.list(checkpoints), BodyReader.list(prepared),
                BodyReader.list(prePrepared));
    }

    /** The (digest, view) pairs of the Q entry for {@code seq}: 1..f+2 of them, each digest once (Figure 2). */
    private static List<ViewChange.DigestView> digestViews(BodyReader in, long seq) throws DecodeException {
        int pairs = in.u16();
        if (pairs == 0) throw BodyReader.bad("pre-prepared entry for seq " + seq + " without pairs");
        pairs = in.count(pairs, in.limits.maxQPairs(), DIGEST_VIEW_BYTES, "pre-prepared pairs");
        ViewChange.DigestView[] dvs = new ViewChange.DigestView[pairs];
        for (int i = 0; i < pairs; i++) {
            Digest d = in.digest();
            for (int j = 0; j < i; j++) {
                if (dvs[j].digest().equals(d)) throw BodyReader.bad("digest " + d + " twice in the pre-prepared entry for seq " + seq);
            }
            dvs[i] = new ViewChange.DigestView(d, in.view());
        }
        return BodyReader.list(dvs);
    }
}
