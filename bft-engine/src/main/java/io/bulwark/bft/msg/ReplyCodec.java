package io.bulwark.bft.msg;

import static io.bulwark.bft.msg.BodyWriter.*;
import static io.bulwark.bft.msg.MessageCodec.*;

import io.bulwark.bft.crypto.Digest;

/**
 * REPLY: [u8 flags: 1 readOnly | 2 digestOnly][i64 view][i64 timestamp][i32 client][i32 replica]
 * [i32 resultLen][result]; a digest-only reply carries a 32-byte result digest.
 */
final class ReplyCodec implements BodyCodec<Reply> {
    static final ReplyCodec INSTANCE = new ReplyCodec();
    static final int READ_ONLY = 0x01;
    static final int DIGEST_ONLY = 0x02;

    private ReplyCodec() {}

    @Override public int size(Reply r) {
        if (r.result() == null) throw new IllegalArgumentException("reply result is null");
        if (r.digestOnly() && r.result().length != Digest.LENGTH)
            throw new IllegalArgumentException("digest-only reply must carry a " + Digest.LENGTH + "-byte digest");
        return REPLY_FIXED_BYTES + r.result().length;
    }

    @Override public int write(Reply r, byte[] out, int off) {
        int o = putByte(out, off, (r.readOnly() ? READ_ONLY : 0) | (r.digestOnly() ? DIGEST_ONLY : 0));
        o = putLong(out, o, r.view());
        o = putLong(out, o, r.timestamp());
        o = putInt(out, o, r.client());
        o = putInt(out, o, r.replica());
        return putBytes32(out, o, r.result());
    }

    @Override public Reply read(BodyReader in) throws DecodeException {
        int flags = in.u8();
        if ((flags & ~(READ_ONLY | DIGEST_ONLY)) != 0) throw BodyReader.bad("reply flags " + Integer.toHexString(flags));
        boolean digestOnly = (flags & DIGEST_ONLY) != 0;
        long view = in.view();
        long timestamp = BodyReader.nonNegative(in.i64(), "timestamp");
        int client = in.i32();
        int replica = in.replica();
        int len = in.i32();
        if (digestOnly && len != Digest.LENGTH) throw BodyReader.bad("digest-only reply with " + len + " bytes");
        byte[] result = in.bytes(len, digestOnly ? Digest.LENGTH : in.limits.maxResultBytes(), "result");
        return new Reply(view, timestamp, client, replica, (flags & READ_ONLY) != 0, digestOnly, result);
    }
}
