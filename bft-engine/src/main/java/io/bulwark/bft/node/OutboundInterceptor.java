package io.bulwark.bft.node;

import io.bulwark.bft.msg.Message;

/**
 * An extension point on a node's outgoing protocol traffic: it sees every message the protocol
 * core asks its node ({@link ReplicaNode} or {@link BftClient}) to send, may drop or delay it, may
 * rewrite the sealed frame, and may send messages of its own through the {@link Outlet} it is
 * given. The default, {@link #NONE}, sends everything as the core asks.
 *
 * <p>What it is for: fault injection. A test kit builds Byzantine replicas and clients by wrapping
 * a correct core this way (the core never knows), so their faults run over real sockets, keys and
 * timers. A deployment has no reason to set one. It sees only what the core sends: the NEW-KEY and
 * channel-binding handshake (section 4.1) are not protocol messages and always go out.
 *
 * <p>Every method is called on the node's event-loop thread and must not block it.
 */
public interface OutboundInterceptor {
    /** {@code to} of a multicast: the message goes to every replica (but the sending replica itself). */
    int MULTICAST = -1;

    /** Sends everything as the core asks. */
    OutboundInterceptor NONE = new OutboundInterceptor() {
        @Override public String toString() { return "none"; }
    };

    /** Called once, on the event loop, before the node sends anything; {@code outlet} stays valid until the node closes. */
    default void attached(Outlet outlet) { }

    /** What to do with {@code message}, which the core asks to send to {@code to} (a principal, or {@link #MULTICAST}). */
    default OutboundDecision onSend(Message message, int to) { return OutboundDecision.SEND; }

    /**
     * The frame {@code message} was sealed into (one frame for all receivers of a multicast), just
     * before it is sent: returns the frame to send, {@code frame} itself or a changed copy.
     */
    default byte[] onSealed(Message message, byte[] frame) { return frame; }
}
