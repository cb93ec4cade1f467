package io.bulwark.bft.msg;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.crypto.Digests;
import java.util.List;

/**
 * PRE-PREPARE (section 4.2) carrying a batch: the primary of {@code view} assigns {@code seq}
 * to the requests in {@code batch}, in order, together with the non-deterministic input it
 * proposes for their execution (section 3 and [6]: here the primary's clock, which backups check).
 * {@code digest} is the batch digest that prepares and commits refer to.
 */
public record PrePrepare(long view, long seq, Digest digest, byte[] nonDet, List<Request> batch) implements Message {

    /** The batch digest a pre-prepare carries ({@link Digests#batch}): over nonDet and the request digests, in order. */
    public static Digest batchDigest(List<Request> batch, byte[] nonDet) {
        Digests.BatchDigest d = Digests.batch(nonDet, batch.size());
        for (Request r : batch) d.request(r.client(), r.timestamp(), r.readOnly(), r.operation());
        return d.done();
    }
}
