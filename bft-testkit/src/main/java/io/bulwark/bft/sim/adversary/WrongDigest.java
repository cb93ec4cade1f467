package io.bulwark.bft.sim.adversary;

import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.Prepare;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A replica whose PREPAREs and COMMITs (and, as primary, PRE-PREPAREs) name a digest that is not
 * the batch's, with probability {@code rate} per message. Faulty replicas lie alike (see {@link Lies}).
 */
public final class WrongDigest implements ReplicaBehaviour {
    private final double rate;
    private final SplittableRandom rnd;

    public WrongDigest(double rate, SplittableRandom rnd) {
        this.rate = rate;
        this.rnd = rnd;
    }

    @Override public void outgoing(Outgoing o, ReplicaContext ctx, Consumer<Outgoing> next) {
        var m = o.message();
        if (!(m instanceof Prepare || m instanceof Commit || m instanceof PrePrepare) || rnd.nextDouble() >= rate) {
            next.accept(o);
            return;
        }
        if (m instanceof Prepare p) next.accept(o.withMessage(new Prepare(p.view(), p.seq(), Lies.digest("batch", p.view(), p.seq()), p.replica())));
        else if (m instanceof Commit c) next.accept(o.withMessage(new Commit(c.view(), c.seq(), Lies.digest("batch", c.view(), c.seq()), c.replica())));
        else if (m instanceof PrePrepare pp)
            next.accept(o.withMessage(new PrePrepare(pp.view(), pp.seq(), Lies.digest("batch", pp.view(), pp.seq()), pp.nonDet(), pp.batch())));
    }
}
