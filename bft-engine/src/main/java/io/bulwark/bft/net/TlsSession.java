package io.bulwark.bft.net;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;

/**
 * The TLS state of one {@link Connection}: its engine and the ciphertext buffers either side of
 * it. Both are bounded by one TLS record (about 17 KiB), whatever the peer sends: the engine takes
 * a record at a time, and {@link Connection} reads no more than fits. Loop thread only.
 */
final class TlsSession {
    /** TLS record content type of a handshake message: the first byte of any genuine ClientHello or ServerHello. */
    static final int RECORD_HANDSHAKE = 22;

    final SSLEngine engine;
    /** Ciphertext read from the socket, not yet unwrapped (fill mode). */
    final ByteBuffer netIn;
    /** Ciphertext wrapped, not yet written (fill mode). */
    final ByteBuffer netOut;
    boolean handshakeDone;
    /** Bytes read so far; the first is checked to be a TLS handshake record before the engine sees it. */
    long bytesRead;

    TlsSession(SSLEngine engine) {
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet);
        this.netOut = ByteBuffer.allocate(packet);
    }

    /** The plaintext buffer an unwrap needs room for. */
    int applicationBufferSize() { return engine.getSession().getApplicationBufferSize(); }

    /** Runs the handshake's delegated tasks here, on the loop thread: they are short (one signature or key agreement). */
    void runTasks() {
        Runnable t;
        while ((t = engine.getDelegatedTask()) != null) t.run();
    }
}
