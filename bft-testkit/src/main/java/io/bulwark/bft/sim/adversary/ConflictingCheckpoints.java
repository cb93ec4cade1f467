package io.bulwark.bft.sim.adversary;

import io.bulwark.bft.msg.Checkpoint;
import java.util.function.Consumer;

/**
 * A replica that announces conflicting state digests for its checkpoints: replicas with an even
 * identifier get one false digest, those with an odd identifier another (the same at every liar),
 * never the true one.
 */
public final class ConflictingCheckpoints implements ReplicaBehaviour {
    @Override public void outgoing(Outgoing o, ReplicaContext ctx, Consumer<Outgoing> next) {
        if (!(o.message() instanceof Checkpoint c)) { next.accept(o); return; }
        long even = 0x5555555555555555L;
        if (o.isMulticast()) {
            if ((o.replicas() & even) != 0) next.accept(o.withMessage(lie(c, 0)).withReplicas(o.replicas() & even));
            if ((o.replicas() & ~even) != 0) next.accept(o.withMessage(lie(c, 1)).withReplicas(o.replicas() & ~even));
        } else {
            next.accept(o.withMessage(lie(c, o.to() & 1)));
        }
    }

    private static Checkpoint lie(Checkpoint c, int half) {
        return new Checkpoint(c.seq(), Lies.digest("state", c.seq(), half), c.replica());
    }
}
