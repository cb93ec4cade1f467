package io.bulwark.bft.msg;

import static io.bulwark.bft.msg.BodyWriter.*;
import static io.bulwark.bft.msg.MessageCodec.*;

/** QUERY-STABLE: [i32 replica][i64 nonce]. */
final class QueryStableCodec implements BodyCodec<QueryStable> {
    static final QueryStableCodec INSTANCE = new QueryStableCodec();

    private QueryStableCodec() {}

    @Override public int size(QueryStable q) { return QUERY_STABLE_BYTES; }

    @Override public int write(QueryStable q, byte[] out, int off) {
        int o = putInt(out, off, q.replica());
        return putLong(out, o, q.nonce());
    }

    @Override public QueryStable read(BodyReader in) throws DecodeException {
        return new QueryStable(in.replica(), in.i64());
    }
}
