package io.bulwark.bft.msg;

import static io.bulwark.bft.msg.BodyWriter.*;
import static io.bulwark.bft.msg.MessageCodec.*;

import io.bulwark.bft.crypto.Digest;

/**
 * NEW-VIEW (section 4.5): [i64 view][u16 count] count * ([i32 replica][32 digest])   V: replicas strictly increasing
 * [i64 checkpointSeq][32 checkpointDigest][u16 count][count * 32 selected digest].
 */
final class NewViewCodec implements BodyCodec<NewView> {
    static final NewViewCodec INSTANCE = new NewViewCodec();

    private NewViewCodec() {}

    @Override public int size(NewView v) {
        return checkedSize(NEW_VIEW_FIXED_BYTES + (long) u16Count(v.viewChanges(), "viewChanges") * VIEW_CHANGE_REF_BYTES
                + (long) u16Count(v.selected(), "selected") * Digest.LENGTH);
    }

    @Override public int write(NewView v, byte[] out, int off) {
        int o = putLong(out, off, v.view());
        o = putShort(out, o, v.viewChanges().size());
        for (NewView.ViewChangeRef r : v.viewChanges()) {
            o = putInt(out, o, r.replica());
            o = putDigest(out, o, r.digest());
        }
        o = putLong(out, o, v.checkpointSeq());
        o = putDigest(out, o, v.checkpointDigest());
        o = putShort(out, o, v.selected().size());
        for (Digest d : v.selected()) o = putDigest(out, o, d);
        return o;
    }

    @Override public NewView read(BodyReader in) throws DecodeException {
        long view = in.view();
        int count = in.count(in.u16(), in.limits.replicaCount(), VIEW_CHANGE_REF_BYTES, "view-changes");
        NewView.ViewChangeRef[] refs = new NewView.ViewChangeRef[count];
        int last = -1;
        for (int i = 0; i < count; i++) {
            int replica = in.replica();
            // Strictly increasing replica ids: canonical, and one view-change per replica.
            if (replica <= last) throw BodyReader.bad("view-change of replica " + replica + " after " + last);
            last = replica;
            refs[i] = new NewView.ViewChangeRef(replica, in.digest());
        }
        long checkpointSeq = BodyReader.nonNegative(in.i64(), "checkpointSeq");
        Digest checkpointDigest = in.digest();
        count = in.count(in.u16(), in.limits.maxLogEntries(), Digest.LENGTH, "selected");
        Digest[] selected = new Digest[count];
        for (int i = 0; i < count; i++) selected[i] = in.digest();
        return new NewView(view, BodyReader.list(refs), checkpointSeq, checkpointDigest, BodyReader.list(selected));
    }
}
