package io.bulwark.bft.msg;

import static io.bulwark.bft.msg.BodyWriter.*;
import static io.bulwark.bft.msg.MessageCodec.*;

/**
 * STATUS: [i64 view][i32 replica][u8 viewActive = 0 | 1][i64 stableSeq][i64 lastExecuted]
 * [i64 viewChanges: bit j for replica j < n][u16 words][words * i64 prepared][u16 words][words * i64 committed]
 * (section 4.6.1).
 */
final class StatusCodec implements BodyCodec<Status> {
    static final StatusCodec INSTANCE = new StatusCodec();

    private StatusCodec() {}

    @Override public int size(Status s) {
        return STATUS_FIXED_BYTES + 8 * (u16Words(s.prepared()) + u16Words(s.committed()));
    }

    @Override public int write(Status s, byte[] out, int off) {
        int o = putLong(out, off, s.view());
        o = putInt(out, o, s.replica());
        o = putByte(out, o, s.viewActive() ? 1 : 0);
        o = putLong(out, o, s.stableSeq());
        o = putLong(out, o, s.lastExecuted());
        o = putLong(out, o, s.viewChanges());
        o = putWords(out, o, s.prepared());
        return putWords(out, o, s.committed());
    }

    @Override public Status read(BodyReader in) throws DecodeException {
        long view = in.view();
        int replica = in.replica();
        int active = in.u8();
        if (active > 1) throw BodyReader.bad("viewActive flag " + active);
        long stable = BodyReader.nonNegative(in.i64(), "stableSeq");
        long executed = BodyReader.nonNegative(in.i64(), "lastExecuted");
        long viewChanges = in.i64();
        int n = in.limits.replicaCount();
        if (n < 64 && (viewChanges >>> n) != 0) throw BodyReader.bad("view-change set names a replica >= n");
        long[] prepared = in.words();
        long[] committed = in.words();
        return new Status(view, replica, active == 1, stable, executed, viewChanges, prepared, committed);
    }
}
