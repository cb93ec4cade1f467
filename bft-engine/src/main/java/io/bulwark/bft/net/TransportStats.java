package io.bulwark.bft.net;

/**
 * A snapshot of a {@link Transport}'s counters (monotonic since creation, except the gauges
 * {@code openConnections} and {@code queuedBytes}).
 *
 * @param framesIn             frames delivered to the handler
 * @param framesOut            frames fully copied into a write buffer (on their way to the socket)
 * @param bytesIn              bytes read from sockets (prefixes included)
 * @param bytesOut             bytes written to sockets (prefixes included)
 * @param droppedQueueFull     frames dropped because the connection's outbound queue was full
 * @param droppedNoConnection  frames dropped for want of an open connection, or queued on one that closed
 * @param badFrames            connections closed for a length prefix ≤ 0 or above the maximum
 * @param connectionsAccepted  inbound connections accepted
 * @param connectionsRejected  inbound connections closed at once because of maxConnections
 * @param connectionsEstablished outbound (dialed) connections established
 * @param connectionsClosed    connections closed, for any reason
 * @param connectFailures      dial attempts that failed
 * @param writeSyscalls        write() calls on sockets (coalescing makes this much smaller than framesOut)
 * @param handlerErrors        exceptions thrown by the frame handler (the connection is then closed)
 * @param evictedTableFull     unbound accepted connections closed to make room when the table was full
 * @param evictedPerSource     unbound accepted connections closed because their source address had too many
 * @param unboundTimedOut      accepted connections closed because nobody proved who was on them in time
 * @param superseded           accepted connections closed because their principal bound a newer one
 * @param tlsHandshakes        TLS handshakes completed with a pinned principal
 * @param tlsNotTls            TLS connections closed because the peer's first bytes were not a TLS handshake
 *                             (garbage, or a peer with TLS off)
 * @param tlsUnpinnedKey       TLS handshakes refused because the peer's key is not pinned (or is another
 *                             principal's than the one dialed)
 * @param tlsNotAdmitted       TLS handshakes refused because the peer's key is a configured principal's who is not
 *                             admitted on this listener (issue 15: a client on a replica's peer port, a replica on its client port)
 * @param tlsHandshakeTimedOut TLS connections closed because the handshake did not complete in time
 * @param tlsHandshakeFailed   TLS handshakes that failed otherwise (a malformed message, the peer's alert,
 *                             the peer closing mid-handshake)
 * @param tlsMismatch          connections of a transport with TLS off closed because the peer began a TLS handshake
 * @param tlsHandshakesShed    TLS connections closed unanswered because the handshake thread already had
 *                             {@link Transport#HANDSHAKE_QUEUE} handshakes waiting (issue 15: a flood of ClientHellos)
 * @param openConnections      connections open now
 * @param queuedBytes          outbound bytes queued now, summed over connections
 */
public record TransportStats(
        long framesIn,
        long framesOut,
        long bytesIn,
        long bytesOut,
        long droppedQueueFull,
        long droppedNoConnection,
        long badFrames,
        long connectionsAccepted,
        long connectionsRejected,
        long connectionsEstablished,
        long connectionsClosed,
        long connectFailures,
        long writeSyscalls,
        long handlerErrors,
        long evictedTableFull,
        long evictedPerSource,
        long unboundTimedOut,
        long superseded,
        long tlsHandshakes,
        long tlsNotTls,
        long tlsUnpinnedKey,
        long tlsNotAdmitted,
        long tlsHandshakeTimedOut,
        long tlsHandshakeFailed,
        long tlsMismatch,
        long tlsHandshakesShed,
        long openConnections,
        long queuedBytes) {

    /**
     * The non-zero counts of connections this transport refused, evicted or closed unproven, by name
     * (for {@code bulwark status} and the {@code stopping:} line; issue 15).
     */
    public java.util.Map<String, Long> refusals() {
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        put(m, "refused_table_full", connectionsRejected);
        put(m, "evicted_table_full", evictedTableFull);
        put(m, "evicted_per_source", evictedPerSource);
        put(m, "unbound_timed_out", unboundTimedOut);
        put(m, "bad_frames", badFrames);
        put(m, "tls_not_tls", tlsNotTls);
        put(m, "tls_unpinned_key", tlsUnpinnedKey);
        put(m, "tls_not_admitted", tlsNotAdmitted);
        put(m, "tls_handshake_timed_out", tlsHandshakeTimedOut);
        put(m, "tls_handshake_failed", tlsHandshakeFailed);
        put(m, "tls_mismatch", tlsMismatch);
        put(m, "tls_handshakes_shed", tlsHandshakesShed);
        return m;
    }

    private static void put(java.util.Map<String, Long> m, String name, long v) { if (v > 0) m.put(name, v); }

    /** One readable phrase: connections accepted and open, and {@link #refusals()}. */
    public String describe() {
        return connectionsAccepted + " accepted, " + openConnections + " open, refused " + refusals();
    }
}
