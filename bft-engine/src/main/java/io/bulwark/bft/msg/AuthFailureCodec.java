package io.bulwark.bft.msg;

import static io.bulwark.bft.msg.BodyWriter.*;
import static io.bulwark.bft.msg.MessageCodec.*;

/** AUTH-FAILURE: [i32 replica][i64 view][i64 seq > 0][i32 client >= n][i64 timestamp]. */
final class AuthFailureCodec implements BodyCodec<AuthFailure> {
    static final AuthFailureCodec INSTANCE = new AuthFailureCodec();

    private AuthFailureCodec() {}

    @Override public int size(AuthFailure a) { return AUTH_FAILURE_BYTES; }

    @Override public int write(AuthFailure a, byte[] out, int off) {
        int o = putInt(out, off, a.replica());
        o = putLong(out, o, a.view());
        o = putLong(out, o, a.seq());
        o = putInt(out, o, a.client());
        return putLong(out, o, a.timestamp());
    }

    @Override public AuthFailure read(BodyReader in) throws DecodeException {
        int replica = in.replica();
        long view = in.view();
        long seq = in.seq();
        if (seq == 0) throw BodyReader.bad("auth failure at seq 0");
        int client = in.i32();
        if (client < in.limits.replicaCount()) throw BodyReader.bad("auth failure for principal " + client + ", not a client");
        return new AuthFailure(replica, view, seq, client, BodyReader.nonNegative(in.i64(), "timestamp"));
    }
}
