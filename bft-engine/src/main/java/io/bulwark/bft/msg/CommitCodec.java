package io.bulwark.bft.msg;

import static io.bulwark.bft.msg.BodyWriter.*;
import static io.bulwark.bft.msg.MessageCodec.*;

/** COMMIT: [i64 view][i64 seq][32 digest][i32 replica], the layout of PREPARE (section 4.2). */
final class CommitCodec implements BodyCodec<Commit> {
    static final CommitCodec INSTANCE = new CommitCodec();

    private CommitCodec() {}

    @Override public int size(Commit c) { return PREPARE_BYTES; }

    @Override public int write(Commit c, byte[] out, int off) {
        int o = putLong(out, off, c.view());
        o = putLong(out, o, c.seq());
        o = putDigest(out, o, c.digest());
        return putInt(out, o, c.replica());
    }

    @Override public Commit read(BodyReader in) throws DecodeException {
        return new Commit(in.view(), in.seq(), in.digest(), in.replica());
    }
}
