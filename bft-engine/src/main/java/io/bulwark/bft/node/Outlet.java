package io.bulwark.bft.node;

import io.bulwark.bft.msg.Message;

/**
 * How an {@link OutboundInterceptor} sends messages of its own, sealed with its node's keys as if
 * its core had asked (they pass through {@link OutboundInterceptor#onSealed} too). Thread-safe:
 * the sends run on the node's event loop; after the node closes they do nothing.
 */
public interface Outlet {
    /** The node's principal id. */
    int self();

    /** The number of replicas, n = 3f+1. */
    int replicas();

    /** Sends {@code message} to principal {@code to}. */
    void send(int to, Message message);

    /** Sends {@code message} to every replica (but this node itself). */
    void multicast(Message message);
}
