package io.bulwark.bft.net;

import java.time.Duration;

/**
 * Limits and tunables of a {@link Transport}. Every limit bounds memory a peer can make us use.
 *
 * @param maxFrameBytes       largest frame accepted or sent; a peer announcing more (or ≤ 0) is disconnected
 * @param maxQueuedBytes      per-connection outbound bytes (frames + 4-byte prefixes) not yet written;
 *                            a send beyond it is dropped and counted
 * @param readBufferBytes     per-connection direct read buffer
 * @param writeBufferBytes    per-connection direct write buffer into which queued frames are coalesced
 * @param maxConnections      open connections (accepted + dialed); further accepts are closed at once
 * @param minBackoff          first reconnect delay after a failed or dropped dial
 * @param maxBackoff          reconnect delay cap (the delay doubles per consecutive failure)
 * @param unboundTimeout      an accepted connection not {@link Transport#bind bound} within this long is
 *                            closed, so anonymous sockets cannot hold every connection slot
 */
public record TransportConfig(
        int maxFrameBytes,
        long maxQueuedBytes,
        int readBufferBytes,
        int writeBufferBytes,
        int maxConnections,
        Duration minBackoff,
        Duration maxBackoff,
        Duration unboundTimeout) {

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
    }

    /**
     * 16 MiB frames; 32 MiB per-connection queues (must hold a maximal frame); 64 KiB buffers;
     * 1024 connections; 10 ms .. 1 s backoff; 30 s to authenticate an accepted connection.
     */
    public static TransportConfig defaults() {
        return new TransportConfig(DEFAULT_MAX_FRAME, 32L << 20, 64 << 10, 64 << 10, 1024,
                Duration.ofMillis(10), Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    public TransportConfig withMaxFrameBytes(int v) {
        return new TransportConfig(v, Math.max(maxQueuedBytes, 4L + v), readBufferBytes, writeBufferBytes,
                maxConnections, minBackoff, maxBackoff, unboundTimeout);
    }

    public TransportConfig withMaxQueuedBytes(long v) {
        return new TransportConfig(maxFrameBytes, v, readBufferBytes, writeBufferBytes,
                maxConnections, minBackoff, maxBackoff, unboundTimeout);
    }

    public TransportConfig withMaxConnections(int v) {
        return new TransportConfig(maxFrameBytes, maxQueuedBytes, readBufferBytes, writeBufferBytes,
                v, minBackoff, maxBackoff, unboundTimeout);
    }

    public TransportConfig withUnboundTimeout(Duration v) {
        return new TransportConfig(maxFrameBytes, maxQueuedBytes, readBufferBytes, writeBufferBytes,
                maxConnections, minBackoff, maxBackoff, v);
    }
}
