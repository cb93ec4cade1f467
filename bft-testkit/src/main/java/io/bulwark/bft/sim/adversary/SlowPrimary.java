package io.bulwark.bft.sim.adversary;

import io.bulwark.bft.msg.PrePrepare;
import java.util.function.Consumer;

/**
 * A primary that holds every pre-prepare (and pre-prepare retransmission) for {@code delayUs}
 * before sending it: just under the view-change timeout, the slowest a primary can be without
 * being suspected. Everything else goes out at once.
 */
public final class SlowPrimary implements ReplicaBehaviour {
    private final long delayUs;

    public SlowPrimary(long delayUs) { this.delayUs = delayUs; }

    /** A delay between 70% and 95% of the view-change timeout. */
    public static SlowPrimary justUnder(long viewChangeTimeoutMs, java.util.SplittableRandom rnd) {
        return new SlowPrimary(viewChangeTimeoutMs * (700 + rnd.nextInt(251)));
    }

    public long delayUs() { return delayUs; }

    @Override public void outgoing(Outgoing o, ReplicaContext ctx, Consumer<Outgoing> next) {
        if (o.message() instanceof PrePrepare && ctx.isPrimary()) next.accept(o.delayedBy(delayUs));
        else next.accept(o);
    }
}
