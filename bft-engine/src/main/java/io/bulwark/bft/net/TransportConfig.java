package io.bulwark.bft.net;

import java.time.Duration;

/**
 * Limits and tunables of a {@link Transport}. Every limit bounds memory a peer can make us use.
 *
 * @param maxFrameBytes       largest frame accepted or sent; a peer announcing more (or ≤ 0) is disconnected
 * @param maxQueuedBytes      per-connection outbound bytes (frames + 4-byte prefixes) not yet written;
 *                            a send beyond it is dropped and counted
 * @param readBufferBytes     the direct read buffers connections borrow while bytes wait in them ({@link BufferPool})
 * @param writeBufferBytes    the direct write buffers, borrowed the same way, into which queued frames are coalesced
 * @param maxConnections      open connections (accepted + dialed); further accepts are closed at once
 * @param minBackoff          first reconnect delay after a failed or dropped dial
 * @param maxBackoff          reconnect delay cap (the delay doubles per consecutive failure)
 * @param unboundTimeout      an accepted connection not {@link Transport#bind bound} within this long is
 *                            closed, so anonymous sockets cannot hold every connection slot; with TLS, also the
 *                            deadline for a handshake to complete (dialed and accepted connections alike)
 * @param maxUnboundPerSource accepted connections not yet bound from one source address; one more evicts that
 *                            address's oldest unbound connection (issue 15: a flood from one host cannot fill the table)
 * @param maxUnboundFrameBytes largest frame taken on an accepted connection not yet bound (the handshake is small);
 *                            a larger length prefix closes it, so anonymous peers cannot make us buffer big frames
 * @param routeDialedOnBind   a dialed connection becomes its peer's route only when {@link Transport#bind} is called
 *                            (after the layer above proved itself on it), not as soon as it connects; likewise
 *                            an accepted connection that TLS authenticated (bound to its peer at the handshake)
 */
public record TransportConfig(
        int maxFrameBytes,
        long maxQueuedBytes,
        int readBufferBytes,
        int writeBufferBytes,
        int maxConnections,
        Duration minBackoff,
        Duration maxBackoff,
        Duration unboundTimeout,
        int maxUnboundPerSource,
        int maxUnboundFrameBytes,
        boolean routeDialedOnBind) {

    public static final int DEFAULT_MAX_FRAME = 16 << 20;

    public TransportConfig {
        if (maxFrameBytes < 1) throw new IllegalArgumentException("maxFrameBytes must be positive");
        if (maxQueuedBytes < 4L + maxFrameBytes)
            throw new IllegalArgumentException("maxQueuedBytes must hold at least one maximal frame");
        if (readBufferBytes < 64 || writeBufferBytes < 64)
            throw new IllegalArgumentException("buffers must be at least 64 bytes");
        if (maxConnections < 1) throw new IllegalArgumentException("maxConnections must be positive");
        if (minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0)
            throw new IllegalArgumentException("need 0 < minBackoff <= maxBackoff");
        if (unboundTimeout.isNegative() || unboundTimeout.isZero())
            throw new IllegalArgumentException("unboundTimeout must be positive");
        if (maxUnboundPerSource < 1) throw new IllegalArgumentException("maxUnboundPerSource must be positive");
        if (maxUnboundFrameBytes < 1 || maxUnboundFrameBytes > maxFrameBytes)
            throw new IllegalArgumentException("maxUnboundFrameBytes must be in 1..maxFrameBytes");
    }

    /**
     * 16 MiB frames; 32 MiB per-connection queues (must hold a maximal frame); 64 KiB buffers;
     * 1024 connections; 10 ms .. 1 s backoff; 10 s to authenticate an accepted connection, at most
     * 64 unauthenticated ones per source address, 64 KiB frames before; dialed connections routed
     * as soon as they connect.
     */
    public static TransportConfig defaults() {
        return new TransportConfig(DEFAULT_MAX_FRAME, 32L << 20, 64 << 10, 64 << 10, 1024,
                Duration.ofMillis(10), Duration.ofSeconds(1), Duration.ofSeconds(10), 64, 64 << 10, false);
    }

    /** For a BFT node ({@code ReplicaNode}, {@code BftClient}): the defaults, with dialed connections routed only once bound. */
    public static TransportConfig forNodes() { return defaults().withRouteDialedOnBind(true); }

    public TransportConfig withMaxFrameBytes(int v) {
        return new TransportConfig(v, Math.max(maxQueuedBytes, 4L + v), readBufferBytes, writeBufferBytes,
                maxConnections, minBackoff, maxBackoff, unboundTimeout, maxUnboundPerSource, Math.min(maxUnboundFrameBytes, v), routeDialedOnBind);
    }

    public TransportConfig withMaxQueuedBytes(long v) {
        return new TransportConfig(maxFrameBytes, v, readBufferBytes, writeBufferBytes,
                maxConnections, minBackoff, maxBackoff, unboundTimeout, maxUnboundPerSource, maxUnboundFrameBytes, routeDialedOnBind);
    }

    public TransportConfig withMaxConnections(int v) {
        return new TransportConfig(maxFrameBytes, maxQueuedBytes, readBufferBytes, writeBufferBytes,
                v, minBackoff, maxBackoff, unboundTimeout, maxUnboundPerSource, maxUnboundFrameBytes, routeDialedOnBind);
    }

    public TransportConfig withUnboundTimeout(Duration v) {
        return new TransportConfig(maxFrameBytes, maxQueuedBytes, readBufferBytes, writeBufferBytes,
                maxConnections, minBackoff, maxBackoff, v, maxUnboundPerSource, maxUnboundFrameBytes, routeDialedOnBind);
    }

    public TransportConfig withMaxUnboundPerSource(int v) {
        return new TransportConfig(maxFrameBytes, maxQueuedBytes, readBufferBytes, writeBufferBytes,
                maxConnections, minBackoff, maxBackoff, unboundTimeout, v, maxUnboundFrameBytes, routeDialedOnBind);
    }

    public TransportConfig withRouteDialedOnBind(boolean v) {
        return new TransportConfig(maxFrameBytes, maxQueuedBytes, readBufferBytes, writeBufferBytes,
                maxConnections, minBackoff, maxBackoff, unboundTimeout, maxUnboundPerSource, maxUnboundFrameBytes, v);
    }

    public TransportConfig withMaxUnboundFrameBytes(int v) {
        return new TransportConfig(maxFrameBytes, maxQueuedBytes, readBufferBytes, writeBufferBytes,
                maxConnections, minBackoff, maxBackoff, unboundTimeout, maxUnboundPerSource, v, routeDialedOnBind);
    }
}
