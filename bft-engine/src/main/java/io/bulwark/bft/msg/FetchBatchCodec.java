package io.bulwark.bft.msg;

import static io.bulwark.bft.msg.BodyWriter.*;
import static io.bulwark.bft.msg.MessageCodec.*;

/** FETCH-BATCH: [i32 replica][i64 seq > 0][32 digest] (sections 4.5 and 4.6.1: bodies by digest). */
final class FetchBatchCodec implements BodyCodec<FetchBatch> {
    static final FetchBatchCodec INSTANCE = new FetchBatchCodec();

    private FetchBatchCodec() {}

    @Override public int size(FetchBatch b) { return FETCH_BATCH_BYTES; }

    @Override public int write(FetchBatch b, byte[] out, int off) {
        int o = putInt(out, off, b.replica());
        o = putLong(out, o, b.seq());
        return putDigest(out, o, b.digest());
    }

    @Override public FetchBatch read(BodyReader in) throws DecodeException {
        int replica = in.replica();
        long seq = in.seq();
        if (seq == 0) throw BodyReader.bad("fetch for seq 0"); // sequence number 0 is the initial state, never a batch
        return new FetchBatch(replica, seq, in.digest());
    }
}
