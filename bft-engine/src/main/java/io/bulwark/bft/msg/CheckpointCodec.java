package io.bulwark.bft.msg;

import static io.bulwark.bft.msg.BodyWriter.*;
import static io.bulwark.bft.msg.MessageCodec.*;

/** CHECKPOINT: [i64 seq][32 digest][i32 replica] (section 4.3). */
final class CheckpointCodec implements BodyCodec<Checkpoint> {
    static final CheckpointCodec INSTANCE = new CheckpointCodec();

    private CheckpointCodec() {}

    @Override public int size(Checkpoint c) { return CHECKPOINT_BYTES; }

    @Override public int write(Checkpoint c, byte[] out, int off) {
        int o = putLong(out, off, c.seq());
        o = putDigest(out, o, c.state());
        return putInt(out, o, c.replica());
    }

    @Override public Checkpoint read(BodyReader in) throws DecodeException {
        return new Checkpoint(in.seq(), in.digest(), in.replica());
    }
}
