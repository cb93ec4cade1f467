package io.bulwark.bft.sim.adversary;

import io.bulwark.bft.core.NonDet;
import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.Request;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A primary that tells two groups of backups different things for the same sequence number: one
 * group gets the batch its core proposed, the other a variant (the same requests in another order,
 * one request fewer, or another proposed time), each with its own correct digest. It backs each
 * version with a COMMIT of its own to the group that got it, so a group needs only 2f backups of
 * its own to gather a commit certificate. Retransmissions keep each backup on its version.
 */
public final class EquivocatingPrimary implements ReplicaBehaviour {
    private static final int REMEMBERED = 1024;
    private final long groupB;
    private final SplittableRandom rnd;
    private final TreeMap<Long, PrePrepare> variants = new TreeMap<>();

    /** @param groupB the backups (bit set) that get the variant; the others get the core's batch */
    public EquivocatingPrimary(long groupB, SplittableRandom rnd) {
        this.groupB = groupB;
        this.rnd = rnd;
    }

    /** Splits the backups of {@code primary} into two non-empty groups at random; returns the second. */
    public static long randomSplit(int n, int primary, SplittableRandom rnd) {
        while (true) {
            long b = 0;
            int size = 0;
            for (int j = 0; j < n; j++) if (j != primary && rnd.nextBoolean()) { b |= 1L << j; size++; }
            if (size > 0 && size < n - 1) return b;
        }
    }

    @Override public void outgoing(Outgoing o, ReplicaContext ctx, Consumer<Outgoing> next) {
        if (!ctx.isPrimary()) { next.accept(o); return; }
        if (o.message() instanceof PrePrepare pp) {
            PrePrepare v = variantOf(pp);
            split(o, pp, v, next);
            // Commits for both versions right away: this primary will never prepare either.
            split(o.withMessage(new Commit(pp.view(), pp.seq(), pp.digest(), ctx.self())), new Commit(pp.view(), pp.seq(), pp.digest(), ctx.self()),
                    new Commit(v.view(), v.seq(), v.digest(), ctx.self()), next);
        } else if (o.message() instanceof Commit c && variants.containsKey(c.seq())) {
            PrePrepare v = variants.get(c.seq());
            split(o, c, new Commit(c.view(), c.seq(), v.digest(), c.replica()), next);
        } else {
            next.accept(o);
        }
    }

    private void split(Outgoing o, io.bulwark.bft.msg.Message a, io.bulwark.bft.msg.Message b, Consumer<Outgoing> next) {
        if (o.isMulticast()) {
            long toA = o.replicas() & ~groupB, toB = o.replicas() & groupB;
            if (toA != 0) next.accept(o.withMessage(a).withReplicas(toA));
            if (toB != 0) next.accept(o.withMessage(b).withReplicas(toB));
        } else {
            next.accept(o.withMessage(o.to() < 64 && (groupB & (1L << o.to())) != 0 ? b : a));
        }
    }

    private PrePrepare variantOf(PrePrepare pp) {
        PrePrepare known = variants.get(pp.seq());
        if (known != null && known.view() == pp.view()) return known;
        List<Request> batch = new ArrayList<>(pp.batch());
        byte[] nonDet = pp.nonDet();
        int kind = batch.size() >= 2 ? rnd.nextInt(3) : 2;
        if (kind == 0) Collections.reverse(batch);
        else if (kind == 1) batch.remove(batch.size() - 1);
        else nonDet = NonDet.encodeTime(NonDet.decodeTime(nonDet) + 1);
        PrePrepare v = new PrePrepare(pp.view(), pp.seq(), MessageCodec.batchDigest(batch, nonDet), nonDet, List.copyOf(batch));
        variants.put(pp.seq(), v);
        while (variants.size() > REMEMBERED) variants.pollFirstEntry();
        return v;
    }
}
