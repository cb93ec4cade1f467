package io.bulwark.bft.msg;

import static io.bulwark.bft.msg.BodyWriter.*;
import static io.bulwark.bft.msg.MessageCodec.*;

/** FETCH: [i32 replica][i64 checkpoint][u8 level][i32 index] (section 4.6.2). */
final class FetchCodec implements BodyCodec<Fetch> {
    static final FetchCodec INSTANCE = new FetchCodec();

    private FetchCodec() {}

    @Override public int size(Fetch f) {
        u8("level", f.level());
        return FETCH_BYTES;
    }

    @Override public int write(Fetch f, byte[] out, int off) {
        int o = putInt(out, off, f.replica());
        o = putLong(out, o, f.checkpoint());
        o = putByte(out, o, f.level());
        return putInt(out, o, f.index());
    }

    @Override public Fetch read(BodyReader in) throws DecodeException {
        return new Fetch(in.replica(), in.seq(), in.u8(), in.index("partition"));
    }
}
