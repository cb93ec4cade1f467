package io.bulwark.bft.msg;

import static io.bulwark.bft.msg.BodyWriter.*;
import static io.bulwark.bft.msg.MessageCodec.*;

/** PREPARE: [i64 view][i64 seq][32 digest][i32 replica] (section 4.2). */
final class PrepareCodec implements BodyCodec<Prepare> {
    static final PrepareCodec INSTANCE = new PrepareCodec();

    private PrepareCodec() {}

    @Override public int size(Prepare p) { return PREPARE_BYTES; }

    @Override public int write(Prepare p, byte[] out, int off) {
        int o = putLong(out, off, p.view());
        o = putLong(out, o, p.seq());
        o = putDigest(out, o, p.digest());
        return putInt(out, o, p.replica());
    }

    @Override public Prepare read(BodyReader in) throws DecodeException {
        return new Prepare(in.view(), in.seq(), in.digest(), in.replica());
    }
}
