package io.bulwark.bft.sim.adversary;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.msg.Data;
import io.bulwark.bft.msg.MetaData;
import io.bulwark.bft.state.Partition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A replica that answers state-transfer fetches (section 4.6.2) with wrong pages (a flipped bit),
 * stale meta-data (what it sent for the same partition at an earlier checkpoint, relabelled with the
 * checkpoint asked for) or false meta-data (a child's digest or lm changed), with probability
 * {@code rate} per answer. The fetcher must detect each by digest and fetch from another replica.
 */
public final class BadReplier implements ReplicaBehaviour {
    private static final int REMEMBERED = 1024;

    private final double rate;
    private final SplittableRandom rnd;
    /** The last meta-data sent per partition, to replay as stale (bounded, oldest evicted). */
    private final LinkedHashMap<Long, MetaData> sent = new LinkedHashMap<>(16, 0.75f, false) {
        @Override protected boolean removeEldestEntry(Map.Entry<Long, MetaData> e) { return size() > REMEMBERED; }
    };

    public BadReplier(double rate, SplittableRandom rnd) {
        this.rate = rate;
        this.rnd = rnd;
    }

    @Override public void outgoing(Outgoing o, ReplicaContext ctx, Consumer<Outgoing> next) {
        if (o.message() instanceof Data d && rnd.nextDouble() < rate) {
            ctx.acted(Adversary.BAD_REPLIER);
            byte[] page = d.value().clone();
            int bit = rnd.nextInt(page.length * 8);
            page[bit >>> 3] ^= (byte) (1 << (bit & 7));
            next.accept(o.withMessage(new Data(d.page(), d.lm(), page)));
            return;
        }
        if (o.message() instanceof MetaData md) {
            long key = (long) md.level() << 32 | md.index();
            MetaData old = sent.get(key);
            sent.put(key, md);
            if (rnd.nextDouble() < rate) {
                ctx.acted(Adversary.BAD_REPLIER);
                if (old != null && old.checkpoint() != md.checkpoint() && !old.children().equals(md.children())) {
                    next.accept(o.withMessage(new MetaData(md.checkpoint(), md.level(), md.index(), md.replica(), old.children())));
                } else {
                    List<Partition> children = new ArrayList<>(md.children());
                    int i = rnd.nextInt(children.size());
                    Partition p = children.get(i);
                    children.set(i, rnd.nextBoolean() ? new Partition(p.lm() + 1, p.digest()) : new Partition(p.lm(), flip(p.digest())));
                    next.accept(o.withMessage(new MetaData(md.checkpoint(), md.level(), md.index(), md.replica(), List.copyOf(children))));
                }
                return;
            }
        }
        next.accept(o);
    }

    private Digest flip(Digest d) {
        byte[] b = d.bytes().clone();
        b[rnd.nextInt(b.length)] ^= 1;
        return new Digest(b);
    }
}
