package io.bulwark.bft.sim.adversary;

import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.Reply;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A replica that answers clients with a wrong result (a plausible value no client wrote), with
 * probability {@code rate} per reply: the full result when it is the designated replier, the
 * digest of the same wrong result otherwise, so that f such replicas agree with each other and a
 * client that accepted f matching replies would be fooled.
 */
public final class WrongResult implements ReplicaBehaviour {
    private final double rate;
    private final SplittableRandom rnd;

    public WrongResult(double rate, SplittableRandom rnd) {
        this.rate = rate;
        this.rnd = rnd;
    }

    @Override public void outgoing(Outgoing o, ReplicaContext ctx, Consumer<Outgoing> next) {
        if (!(o.message() instanceof Reply r) || rnd.nextDouble() >= rate) { next.accept(o); return; }
        byte[] lie = Lies.result(r.client(), r.timestamp());
        byte[] body = r.digestOnly() ? MessageCodec.resultDigest(lie).bytes() : lie;
        next.accept(o.withMessage(new Reply(r.view(), r.timestamp(), r.client(), r.replica(), r.readOnly(), r.digestOnly(), body)));
    }
}
