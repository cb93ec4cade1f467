package io.bulwark.bft.testkit.attack;

import io.bulwark.bft.core.NonDet;
import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.node.OutboundDecision;
import io.bulwark.bft.node.OutboundInterceptor;
import io.bulwark.bft.node.Outlet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A primary that tells its backups different things for the same sequence number (section 4.2: the
 * prepare phase exists for this). For each sequence number one backup, the "odd one out", gets a
 * variant of the batch its core proposed (the same requests in reverse order, or with one request,
 * a proposed time 1 ms later), with its own correct digest; the other backups get the core's batch.
 * It backs each version with a COMMIT of its own to the backups that got it. The odd one out turns
 * with the sequence number (backup {@code seq mod (n-1)}), so each backup in turn is left unable to
 * prepare, falls behind and, once too few replicas execute to answer a client, the backups change
 * views (section 4.5) and a correct primary takes over. The variant never gathers a prepared
 * certificate: one backup and a faulty primary are fewer than 2f+1.
 *
 * <p>Only the core's own pre-prepares as primary are touched (a pre-prepare's view names its
 * primary); retransmissions keep each backup on its version. Everything else is sent as the core asks.
 * Runs on the node's event loop, like every interceptor.
 */
public final class EquivocatingPrimary implements OutboundInterceptor {
    private static final int REMEMBERED = 1024;
    private final AtomicLong equivocated = new AtomicLong();
    /** The variant of each recent sequence number, by seq (event loop only). */
    private final TreeMap<Long, PrePrepare> variants = new TreeMap<>();
    private volatile Outlet outlet;

    @Override public void attached(Outlet outlet) { this.outlet = outlet; }

    @Override public OutboundDecision onSend(Message message, int to) {
        Outlet out = outlet;
        if (out == null) return OutboundDecision.SEND;
        int n = out.replicas(), self = out.self();
        if (message instanceof PrePrepare pp && pp.view() % n == self) {
            PrePrepare v = variantOf(pp);
            int odd = oddOneOut(pp.view(), pp.seq(), n);
            split(out, to, odd, pp, v);
            // Commits for both versions at once: each group then needs only 2f backups of its own.
            split(out, to, odd, new Commit(pp.view(), pp.seq(), pp.digest(), self), new Commit(v.view(), v.seq(), v.digest(), self));
            return OutboundDecision.DROP;
        }
        if (message instanceof Commit c && c.replica() == self && c.view() % n == self) {
            PrePrepare v = variants.get(c.seq());
            if (v == null || v.view() != c.view()) return OutboundDecision.SEND;
            split(out, to, oddOneOut(c.view(), c.seq(), n), c, new Commit(c.view(), c.seq(), v.digest(), self));
            return OutboundDecision.DROP;
        }
        return OutboundDecision.SEND;
    }

    /** The backup of {@code view}'s primary that gets the variant for {@code seq}: each in turn. */
    static int oddOneOut(long view, long seq, int n) {
        int primary = (int) (view % n);
        int k = (int) (seq % (n - 1));   // the k-th backup, counting from 0 and skipping the primary
        return k < primary ? k : k + 1;
    }

    /** {@code truth} to every receiver of {@code to} but {@code odd}, {@code lie} to {@code odd}. */
    private static void split(Outlet out, int to, int odd, Message truth, Message lie) {
        if (to == MULTICAST) {
            for (int j = 0; j < out.replicas(); j++) if (j != out.self()) out.send(j, j == odd ? lie : truth);
        } else {
            out.send(to, to == odd ? lie : truth);
        }
    }

    private PrePrepare variantOf(PrePrepare pp) {
        PrePrepare known = variants.get(pp.seq());
        if (known != null && known.view() == pp.view()) return known;
        List<Request> batch = new ArrayList<>(pp.batch());
        byte[] nonDet = pp.nonDet();
        if (batch.size() >= 2) Collections.reverse(batch);
        else nonDet = NonDet.encodeTime(NonDet.decodeTime(nonDet) + 1);
        PrePrepare v = new PrePrepare(pp.view(), pp.seq(), PrePrepare.batchDigest(batch, nonDet), nonDet, List.copyOf(batch));
        variants.put(pp.seq(), v);
        while (variants.size() > REMEMBERED) variants.pollFirstEntry();
        equivocated.incrementAndGet();
        return v;
    }

    /** Sequence numbers for which it sent two different pre-prepares. */
    public long equivocated() { return equivocated.get(); }

    @Override public String toString() { return "equivocating-primary (" + equivocated.get() + " pre-prepares equivocated)"; }
}
