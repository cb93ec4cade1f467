package io.bulwark.bft.msg;

import static io.bulwark.bft.msg.BodyWriter.*;
import static io.bulwark.bft.msg.MessageCodec.*;

/**
 * NEW-KEY: [i32 sender][i64 counter][u16 count] count * ([i32 receiver][u16 len][ciphertext]),
 * receivers strictly increasing replicas != sender, [u16 sigLen][signature] (section 4.1).
 */
final class NewKeyCodec implements BodyCodec<NewKey> {
    static final NewKeyCodec INSTANCE = new NewKeyCodec();

    private NewKeyCodec() {}

    @Override public int size(NewKey k) {
        if (k.shares() == null || k.shares().size() > 0xffff) throw new IllegalArgumentException("shares missing or too many");
        long size = NEW_KEY_FIXED_BYTES + (long) u16Len(k.signature(), "signature");
        for (NewKey.KeyShare s : k.shares()) size += KEY_SHARE_FIXED_BYTES + u16Len(s.ciphertext(), "ciphertext");
        return checkedSize(size);
    }

    @Override public int write(NewKey k, byte[] out, int off) {
        int o = putInt(out, off, k.sender());
        o = putLong(out, o, k.counter());
        o = putShort(out, o, k.shares().size());
        for (NewKey.KeyShare s : k.shares()) {
            o = putInt(out, o, s.receiver());
            o = putBytes16(out, o, s.ciphertext());
        }
        return putBytes16(out, o, k.signature());
    }

    @Override public NewKey read(BodyReader in) throws DecodeException {
        CodecLimits limits = in.limits;
        int sender = in.i32();
        if (sender < 0) throw BodyReader.bad("sender " + sender);
        long counter = BodyReader.nonNegative(in.i64(), "counter");
        int count = in.count(in.u16(), limits.maxNewKeyShares(), KEY_SHARE_FIXED_BYTES + 1, "key shares");
        NewKey.KeyShare[] shares = new NewKey.KeyShare[count];
        int last = -1;
        for (int i = 0; i < count; i++) {
            int receiver = in.i32();
            // Strictly increasing replica ids: canonical, and no duplicates without a set.
            if (receiver <= last || receiver >= limits.replicaCount() || receiver == sender) throw BodyReader.bad("key share receiver " + receiver);
            last = receiver;
            shares[i] = new NewKey.KeyShare(receiver, BodyReader.nonEmpty(in.bytes(in.u16(), limits.maxKeyShareBytes(), "ciphertext"), "ciphertext"));
        }
        byte[] signature = BodyReader.nonEmpty(in.bytes(in.u16(), limits.maxSignatureBytes(), "signature"), "signature");
        return new NewKey(sender, counter, BodyReader.list(shares), signature);
    }
}
