package io.bulwark.bft.msg;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.crypto.Digests;
import java.util.List;

/** TEMPORARY (replaced by the codec branch): digest helpers only. */
public final class MessageCodec {
    private MessageCodec() {}

    public static Digest requestDigest(Request r) {
        return Digests.hasher().putInt(r.client()).putLong(r.timestamp()).putInt(r.readOnly() ? 1 : 0)
                .putInt(r.operation().length).put(r.operation()).done();
    }

    public static Digest batchDigest(List<Request> batch, byte[] nonDet) {
        Digests.Hasher h = Digests.hasher().putInt(nonDet.length).put(nonDet).putInt(batch.size());
        for (Request r : batch) h.put(requestDigest(r));
        return h.done();
    }

    public static Digest resultDigest(byte[] result) { return Digests.of(result); }
}
