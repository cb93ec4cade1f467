package io.bulwark.bft.msg;

import static io.bulwark.bft.msg.BodyWriter.*;
import static io.bulwark.bft.msg.MessageCodec.*;

/** REPLY-STABLE: [i32 replica][i32 recovering replica][i64 nonce][i64 checkpoint][i64 prepared]. */
final class ReplyStableCodec implements BodyCodec<ReplyStable> {
    static final ReplyStableCodec INSTANCE = new ReplyStableCodec();

    private ReplyStableCodec() {}

    @Override public int size(ReplyStable r) { return REPLY_STABLE_BYTES; }

    @Override public int write(ReplyStable r, byte[] out, int off) {
        int o = putInt(out, off, r.replica());
        o = putInt(out, o, r.recovering());
        o = putLong(out, o, r.nonce());
        o = putLong(out, o, r.checkpoint());
        return putLong(out, o, r.prepared());
    }

    @Override public ReplyStable read(BodyReader in) throws DecodeException {
        int replica = in.replica();
        int recovering = in.replica();
        long nonce = in.i64();
        long checkpoint = in.seq();
        long prepared = in.seq();
        return new ReplyStable(replica, recovering, nonce, checkpoint, prepared);
    }
}
