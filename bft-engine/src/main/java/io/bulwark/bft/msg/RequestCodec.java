package io.bulwark.bft.msg;

import static io.bulwark.bft.msg.BodyWriter.*;
import static io.bulwark.bft.msg.MessageCodec.*;

/**
 * REQUEST: [u8 flags = 0xA0 | readOnly][i32 client][i64 timestamp][i32 replier][i32 opLen][op]
 * [u16 authLen = n*tag][auth]. The client authenticator covers every field before authLen
 * ({@link MessageCodec#requestAuthedLength}); the 0xA0 mark keeps that region disjoint from any frame
 * (frames start with version 1), so a client key used both ways (section 4.1) can't turn a reply's
 * MAC into a request's. Also read inside a PRE-PREPARE, with the batch's remaining byte budget.
 */
final class RequestCodec implements BodyCodec<Request> {
    static final RequestCodec INSTANCE = new RequestCodec();
    static final int MARK = 0xA0;
    static final int READ_ONLY = 0x01;

    private RequestCodec() {}

    @Override public int size(Request r) {
        if (r.auth() == null) throw new IllegalArgumentException("request has no authenticator; seal it first");
        if (r.auth().length > 0xffff) throw new IllegalArgumentException("request authenticator too long");
        return checkedSize((long) authedLength(r) + 2 + r.auth().length);
    }

    static int authedLength(Request r) {
        if (r.operation() == null) throw new IllegalArgumentException("request operation is null");
        return checkedSize((long) REQUEST_AUTHED_FIXED_BYTES + r.operation().length);
    }

    @Override public int write(Request r, byte[] out, int off) {
        return putBytes16(out, writeAuthed(r, out, off), r.auth());
    }

    static int writeAuthed(Request r, byte[] out, int off) {
        int o = putByte(out, off, MARK | (r.readOnly() ? READ_ONLY : 0));
        o = putInt(out, o, r.client());
        o = putLong(out, o, r.timestamp());
        o = putInt(out, o, r.replier());
        return putBytes32(out, o, r.operation());
    }

    @Override public Request read(BodyReader in) throws DecodeException {
        return read(in, in.limits.maxOperationBytes());
    }

    static Request read(BodyReader in, int maxOperation) throws DecodeException {
        int flags = in.u8();
        if ((flags & ~READ_ONLY) != MARK) throw BodyReader.bad("request flags " + Integer.toHexString(flags));
        int client = in.i32();
        long timestamp = BodyReader.nonNegative(in.i64(), "timestamp");
        int replier = in.i32();
        if (replier != Request.ALL_REPLY && (replier < 0 || replier >= in.limits.replicaCount())) throw BodyReader.bad("replier " + replier);
        byte[] op = in.bytes(in.i32(), maxOperation, "operation");
        int authLen = in.u16();
        if (authLen != in.limits.requestAuthBytes()) throw BodyReader.bad("request authenticator of " + authLen + " bytes");
        byte[] auth = in.bytes(authLen, authLen, "request authenticator");
        return new Request(client, timestamp, (flags & READ_ONLY) != 0, replier, op, auth);
    }
}
