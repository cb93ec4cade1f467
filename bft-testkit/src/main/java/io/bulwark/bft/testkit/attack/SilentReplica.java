package io.bulwark.bft.testkit.attack;

import io.bulwark.bft.msg.Message;
import io.bulwark.bft.node.OutboundDecision;
import io.bulwark.bft.node.OutboundInterceptor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A replica that receives and processes everything and sends nothing its core asks for; only its
 * NEW-KEY and channel handshake go out (the node sends those itself), so others can still talk to it.
 */
public final class SilentReplica implements OutboundInterceptor {
    private final AtomicLong withheld = new AtomicLong();

    @Override public OutboundDecision onSend(Message message, int to) {
        withheld.incrementAndGet();
        return OutboundDecision.DROP;
    }

    /** Messages the core asked to send and this replica did not send (a multicast counts once). */
    public long withheld() { return withheld.get(); }

    @Override public String toString() { return "silent"; }
}
