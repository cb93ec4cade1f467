package io.bulwark.bft.msg;

import static io.bulwark.bft.msg.BodyWriter.*;
import static io.bulwark.bft.msg.MessageCodec.*;

/** BIND-CHALLENGE: [i32 replica][i64 hi][i64 lo]. */
final class BindChallengeCodec implements BodyCodec<BindChallenge> {
    static final BindChallengeCodec INSTANCE = new BindChallengeCodec();

    private BindChallengeCodec() {}

    @Override public int size(BindChallenge c) { return BIND_CHALLENGE_BYTES; }

    @Override public int write(BindChallenge c, byte[] out, int off) {
        int o = putInt(out, off, c.replica());
        o = putLong(out, o, c.hi());
        return putLong(out, o, c.lo());
    }

    @Override public BindChallenge read(BodyReader in) throws DecodeException {
        return new BindChallenge(in.replica(), in.i64(), in.i64());
    }
}
