package io.bulwark.bft.sim.adversary;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.service.KvOps;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The false values Byzantine replicas send. They are functions of what they are about (a label and
 * the sequence number, client, timestamp...), not random, so that up to f faulty replicas of a run
 * tell the same lie and collude: a certificate must never form from f matching lies.
 */
public final class Lies {
    private Lies() {}

    /** A digest that no honest batch, state or result has, the same at every liar. */
    public static Digest digest(String label, long... about) {
        ByteBuffer b = ByteBuffer.allocate(label.length() * 3 + 8 * about.length);
        b.put(label.getBytes(StandardCharsets.UTF_8));
        for (long x : about) b.putLong(x);
        return MessageCodec.resultDigest(java.util.Arrays.copyOf(b.array(), b.position()));
    }

    /**
     * A plausible but false key-value result for a client's request: "value v" with a v that no
     * client wrote (the top bit set), the same at every liar.
     */
    public static byte[] result(int client, long timestamp) {
        long v = Long.MIN_VALUE | ((long) client << 40) ^ timestamp ^ 0x5a5a5aL;
        return ByteBuffer.allocate(9).put(KvOps.VALUE).putLong(v).array();
    }
}
