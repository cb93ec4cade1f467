package io.bulwark.bft.msg;

import static io.bulwark.bft.msg.BodyWriter.*;
import static io.bulwark.bft.msg.MessageCodec.*;

/** VIEW-CHANGE-ACK: [i64 view][i32 replica][i32 viewChangeSender][32 viewChangeDigest] (section 4.5). */
final class ViewChangeAckCodec implements BodyCodec<ViewChangeAck> {
    static final ViewChangeAckCodec INSTANCE = new ViewChangeAckCodec();

    private ViewChangeAckCodec() {}

    @Override public int size(ViewChangeAck a) { return VIEW_CHANGE_ACK_BYTES; }

    @Override public int write(ViewChangeAck a, byte[] out, int off) {
        int o = putLong(out, off, a.view());
        o = putInt(out, o, a.replica());
        o = putInt(out, o, a.viewChangeSender());
        return putDigest(out, o, a.viewChangeDigest());
    }

    @Override public ViewChangeAck read(BodyReader in) throws DecodeException {
        return new ViewChangeAck(in.view(), in.replica(), in.replica(), in.digest());
    }
}
