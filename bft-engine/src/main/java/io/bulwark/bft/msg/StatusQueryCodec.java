package io.bulwark.bft.msg;

import static io.bulwark.bft.msg.BodyWriter.*;
import static io.bulwark.bft.msg.MessageCodec.*;

/** STATUS-QUERY: [i32 client >= n][i64 nonce]. */
final class StatusQueryCodec implements BodyCodec<StatusQuery> {
    static final StatusQueryCodec INSTANCE = new StatusQueryCodec();

    private StatusQueryCodec() {}

    @Override public int size(StatusQuery q) { return STATUS_QUERY_BYTES; }

    @Override public int write(StatusQuery q, byte[] out, int off) {
        int o = putInt(out, off, q.client());
        return putLong(out, o, q.nonce());
    }

    @Override public StatusQuery read(BodyReader in) throws DecodeException {
        int client = in.i32();
        if (client < in.limits.replicaCount()) throw BodyReader.bad("status query from principal " + client + ", not a client");
        return new StatusQuery(client, in.i64());
    }
}
