package io.bulwark.bft.msg;

import static io.bulwark.bft.msg.BodyWriter.*;
import static io.bulwark.bft.msg.MessageCodec.*;

/** SUSPECT: [i64 view][i32 replica]. */
final class SuspectCodec implements BodyCodec<Suspect> {
    static final SuspectCodec INSTANCE = new SuspectCodec();

    private SuspectCodec() {}

    @Override public int size(Suspect s) { return SUSPECT_BYTES; }

    @Override public int write(Suspect s, byte[] out, int off) {
        int o = putLong(out, off, s.view());
        return putInt(out, o, s.replica());
    }

    @Override public Suspect read(BodyReader in) throws DecodeException {
        return new Suspect(in.view(), in.replica());
    }
}
