package io.bulwark.bft.node;

/** What an {@link OutboundInterceptor} decides for one outgoing message. */
public sealed interface OutboundDecision {
    /** Send it now. */
    OutboundDecision SEND = new Send();
    /** Send nothing. */
    OutboundDecision DROP = new Drop();

    /** Send it after {@code delayNanos} on the node's event-loop timers (never blocking the loop). */
    static OutboundDecision delay(long delayNanos) { return new Delay(delayNanos); }

    record Send() implements OutboundDecision { }

    record Drop() implements OutboundDecision { }

    record Delay(long delayNanos) implements OutboundDecision {
        public Delay {
            if (delayNanos < 0) throw new IllegalArgumentException("delay must be >= 0, was " + delayNanos);
        }
    }
}
