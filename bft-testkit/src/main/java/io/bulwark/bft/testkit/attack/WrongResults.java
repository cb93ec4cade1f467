package io.bulwark.bft.testkit.attack;

import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.Reply;
import io.bulwark.bft.node.OutboundDecision;
import io.bulwark.bft.node.OutboundInterceptor;
import io.bulwark.bft.node.Outlet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A replica that takes part in agreement correctly but lies in every reply it sends a client: the
 * result (or, with the reply-digest optimization, the result's digest) has every byte inverted, and the
 * reply is sealed with the replica's own keys, so its MAC checks out. Clients must still accept only
 * results that f+1 replicas vouch for (section 4.2; 2f+1 for read-only requests, section 5.1.3).
 */
public final class WrongResults implements OutboundInterceptor {
    private final AtomicLong forged = new AtomicLong();
    private volatile Outlet outlet;

    @Override public void attached(Outlet outlet) { this.outlet = outlet; }

    @Override public OutboundDecision onSend(Message message, int to) {
        if (!(message instanceof Reply r) || r.result() == null || r.result().length == 0 || outlet == null) return OutboundDecision.SEND;
        byte[] truth = r.result();   // the core's own array: left intact, the lie is a new one
        byte[] lie = new byte[truth.length];
        for (int i = 0; i < lie.length; i++) lie[i] = (byte) ~truth[i];
        forged.incrementAndGet();
        outlet.send(to, new Reply(r.view(), r.timestamp(), r.client(), r.replica(), r.readOnly(), r.digestOnly(), lie));
        return OutboundDecision.DROP;
    }

    /** Replies sent with a wrong result. */
    public long forged() { return forged.get(); }

    @Override public String toString() { return "wrong-results (" + forged.get() + " replies forged)"; }
}
