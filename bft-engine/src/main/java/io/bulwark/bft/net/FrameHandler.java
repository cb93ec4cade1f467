package io.bulwark.bft.net;

/**
 * The layer above the transport (authentication, decoding, the protocol core). All callbacks
 * run on the transport's event loop thread; they may call {@link Transport#send},
 * {@link Transport#bind} and {@link Connection#close()} re-entrantly.
 *
 * <p>A callback that throws is a bug in the layer above (a decoder must reject, not throw); the
 * transport logs it, counts it and closes the connection the frame came from (fail closed).
 */
public interface FrameHandler {

    /**
     * One complete frame from {@code conn}. {@code buf} is a fresh array owned by the callee
     * (the transport never touches it again), so it may be kept without copying; today
     * {@code off == 0 && len == buf.length}, but callers must honour {@code off}/{@code len}.
     * Frames from one connection arrive in the order sent; frames from two connections of the
     * same peer (e.g. one dialed, one accepted) are not ordered with respect to each other.
     */
    void onFrame(Connection conn, byte[] buf, int off, int len);

    /** A dialed connection to {@code conn.peer()} is established: send the key exchange now. */
    default void onConnected(Connection conn) { }

    /** An inbound connection was accepted; it is anonymous until {@link Transport#bind}. */
    default void onAccepted(Connection conn) { }

    /** A connection closed (dialed or accepted, bound or not). Not called during {@link Transport#close()}. */
    default void onDisconnected(Connection conn) { }
}
