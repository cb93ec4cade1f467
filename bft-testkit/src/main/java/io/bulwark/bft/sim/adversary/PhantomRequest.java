package io.bulwark.bft.sim.adversary;

import io.bulwark.bft.msg.BatchEntry;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.PrePrepareByDigest;
import io.bulwark.bft.msg.RequestRef;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A primary whose pre-prepares name, by digest, a request no client sent (with probability
 * {@code rate} per pre-prepare): one entry becomes a reference to a made-up request, and the batch
 * digest is computed over the entries, so it is consistent. No backup holds the request and nobody
 * can answer a FETCH-BATCH for that digest (the primary's core holds the real batch): a correct
 * backup must never prepare it, and the group must move to a primary that orders what clients sent.
 */
public final class PhantomRequest implements ReplicaBehaviour {
    private final double rate;
    private final SplittableRandom rnd;

    public PhantomRequest(double rate, SplittableRandom rnd) {
        this.rate = rate;
        this.rnd = rnd;
    }

    @Override public void outgoing(Outgoing o, ReplicaContext ctx, Consumer<Outgoing> next) {
        var m = o.message();
        if (!o.isMulticast() || !ctx.isPrimary() || !(m instanceof PrePrepare || m instanceof PrePrepareByDigest) || rnd.nextDouble() >= rate) {
            next.accept(o);
            return;
        }
        long view, seq;
        byte[] nonDet;
        List<BatchEntry> entries;
        if (m instanceof PrePrepare pp) {
            view = pp.view(); seq = pp.seq(); nonDet = pp.nonDet(); entries = new ArrayList<>(pp.batch());
        } else {
            PrePrepareByDigest pp = (PrePrepareByDigest) m;
            view = pp.view(); seq = pp.seq(); nonDet = pp.nonDet(); entries = new ArrayList<>(pp.batch());
        }
        if (entries.isEmpty()) { next.accept(o); return; }
        int i = rnd.nextInt(entries.size());
        BatchEntry named = entries.get(i);
        entries.set(i, new RequestRef(named.client(), named.timestamp(), false, 0, Lies.digest("phantom request", view, seq)));
        PrePrepareByDigest phantom = new PrePrepareByDigest(view, seq, Lies.digest("unused", view, seq), nonDet, List.copyOf(entries));
        phantom = new PrePrepareByDigest(view, seq, phantom.batchDigest(), nonDet, phantom.batch());
        ctx.acted(Adversary.PHANTOM_REQUEST);
        next.accept(o.withMessage(phantom));
    }
}
