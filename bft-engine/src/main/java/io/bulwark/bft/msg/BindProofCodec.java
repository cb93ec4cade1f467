package io.bulwark.bft.msg;

import static io.bulwark.bft.msg.BodyWriter.*;
import static io.bulwark.bft.msg.MessageCodec.*;

/** BIND-PROOF: [i32 principal >= 0][i32 acceptor replica][i64 challengeHi][i64 challengeLo][i64 nonceHi][i64 nonceLo]. */
final class BindProofCodec implements BodyCodec<BindProof> {
    static final BindProofCodec INSTANCE = new BindProofCodec();

    private BindProofCodec() {}

    @Override public int size(BindProof p) { return BIND_PROOF_BYTES; }

    @Override public int write(BindProof p, byte[] out, int off) {
        int o = putInt(out, off, p.principal());
        o = putInt(out, o, p.acceptor());
        o = putLong(out, o, p.challengeHi());
        o = putLong(out, o, p.challengeLo());
        o = putLong(out, o, p.nonceHi());
        return putLong(out, o, p.nonceLo());
    }

    @Override public BindProof read(BodyReader in) throws DecodeException {
        return new BindProof(in.principal(), in.replica(), in.i64(), in.i64(), in.i64(), in.i64());
    }
}
