package io.bulwark.bft.net;

import java.net.InetSocketAddress;

/**
 * The outgoing side for one peer: where to dial, the current attempt or connection, and the
 * backoff. Exponential backoff keeps a dead peer from costing us a connect() per iteration;
 * the cap keeps recovery quick once it is back. Loop thread only.
 */
final class Dialer {
    final int peer;
    InetSocketAddress address;
    Connection conn;        // connecting or established; null while waiting to retry
    Timer retry;
    long backoffNanos;

    Dialer(int peer, InetSocketAddress address, long minBackoffNanos) {
        this.peer = peer;
        this.address = address;
        this.backoffNanos = minBackoffNanos;
    }

    /** The delay before the next attempt; doubles it (up to the cap) for the one after. */
    long nextDelay(long maxBackoffNanos) {
        long d = backoffNanos;
        backoffNanos = Math.min(maxBackoffNanos, backoffNanos * 2);
        return d;
    }
}
