package io.bulwark.bft.testkit.attack;

import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.PrePrepareByDigest;
import io.bulwark.bft.node.OutboundDecision;
import io.bulwark.bft.node.OutboundInterceptor;

/**
 * Holds back every PRE-PREPARE the replica sends (multicast or retransmitted) for a fixed delay on
 * the event loop's timers, never blocking; everything else is correct. Set just under the
 * view-change timeout, a primary slows the group down without being replaced (Aardvark's
 * "pre-prepare delay" attack, Clement et al., NSDI 2009).
 */
public final class SlowPrimary implements OutboundInterceptor {
    private final long prePrepareDelayMs;

    public SlowPrimary(long prePrepareDelayMs) {
        if (prePrepareDelayMs < 0) throw new IllegalArgumentException("delay must be >= 0, was " + prePrepareDelayMs);
        this.prePrepareDelayMs = prePrepareDelayMs;
    }

    public long prePrepareDelayMs() { return prePrepareDelayMs; }

    @Override public OutboundDecision onSend(Message message, int to) {
        return message instanceof PrePrepare || message instanceof PrePrepareByDigest ? OutboundDecision.delay(prePrepareDelayMs * 1_000_000L) : OutboundDecision.SEND;
    }

    @Override public String toString() { return "slow-primary (pre-prepares held back " + prePrepareDelayMs + " ms)"; }
}
