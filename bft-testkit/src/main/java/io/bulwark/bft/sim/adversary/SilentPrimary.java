package io.bulwark.bft.sim.adversary;

import java.util.function.Consumer;

/**
 * A primary that says nothing: from {@code fromUs} on, whenever its core believes it is the
 * primary, every message it would send is dropped (pre-prepares, replies, checkpoints, status...).
 * As a backup it behaves correctly, so once a view change has moved the group on it rejoins.
 */
public final class SilentPrimary implements ReplicaBehaviour {
    private final long fromUs;

    public SilentPrimary(long fromUs) { this.fromUs = fromUs; }

    @Override public void outgoing(Outgoing o, ReplicaContext ctx, Consumer<Outgoing> next) {
        if (ctx.isPrimary() && ctx.nowUs() >= fromUs) return;
        next.accept(o);
    }
}
