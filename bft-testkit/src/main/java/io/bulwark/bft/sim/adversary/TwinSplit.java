package io.bulwark.bft.sim.adversary;

import java.util.function.Consumer;

/**
 * One of a pair of twins (Diem's Twins): two correct cores with the same identity and keys, each
 * talking to its own group of the other replicas. This behaviour keeps a twin's messages to
 * replicas within its group (clients hear from both twins); the network, for its part, delivers
 * each replica's messages to the twin of that replica's group. A twin pair is one Byzantine replica
 * that equivocates without any message being forged: as primary the twins propose different
 * batches; as backups they prepare and commit what each one saw.
 */
public final class TwinSplit implements ReplicaBehaviour {
    private final long group;
    private final int n;

    /** @param group the replicas (bit set) this twin talks to */
    public TwinSplit(long group, int n) {
        this.group = group;
        this.n = n;
    }

    public long group() { return group; }

    @Override public void outgoing(Outgoing o, ReplicaContext ctx, Consumer<Outgoing> next) {
        if (o.isMulticast()) {
            long mask = o.replicas() & group;
            if (mask != 0) next.accept(o.withReplicas(mask));
        } else if (o.to() >= n || (o.to() < 64 && (group & (1L << o.to())) != 0)) {
            next.accept(o);
        }
    }
}
