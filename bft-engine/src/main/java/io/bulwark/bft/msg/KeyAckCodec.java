package io.bulwark.bft.msg;

import static io.bulwark.bft.msg.BodyWriter.*;
import static io.bulwark.bft.msg.MessageCodec.*;

/** KEY-ACK: [i32 replica][i32 client >= n][i64 counter >= 1]. */
final class KeyAckCodec implements BodyCodec<KeyAck> {
    static final KeyAckCodec INSTANCE = new KeyAckCodec();

    private KeyAckCodec() {}

    @Override public int size(KeyAck a) { return KEY_ACK_BYTES; }

    @Override public int write(KeyAck a, byte[] out, int off) {
        int o = putInt(out, off, a.replica());
        o = putInt(out, o, a.client());
        return putLong(out, o, a.counter());
    }

    @Override public KeyAck read(BodyReader in) throws DecodeException {
        int replica = in.replica();
        int client = in.i32();
        if (client < in.limits.replicaCount()) throw BodyReader.bad("key ack for principal " + client + ", not a client");
        long counter = in.i64();
        // A NEW-KEY's counter is at least 1 (KeyExchange refuses less).
        if (counter < 1) throw BodyReader.bad("key ack counter " + counter);
        return new KeyAck(replica, client, counter);
    }
}
