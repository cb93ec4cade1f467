package io.bulwark.bft.node;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An attacker's plain TCP connection to a replica: writes length-prefixed frames of its choosing and
 * keeps every frame it receives (read on a daemon thread, so the replica is never blocked by it).
 * Knows no keys; or, over TLS ({@link #RawPeer(int, javax.net.ssl.SSLContext)}), holds one configured
 * principal's TLS key (an insider: a faulty client) and nothing else.
 */
final class RawPeer implements AutoCloseable {
    private final Socket socket;
    private final DataOutputStream out;
    final List<byte[]> received = new CopyOnWriteArrayList<>();
    volatile boolean closedByPeer;

    RawPeer(int port) throws IOException { this(port, null); }

    /** Over TLS with {@code tls}'s key if not null (the handshake completes here). */
    RawPeer(int port, javax.net.ssl.SSLContext tls) throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        plain.setTcpNoDelay(true);
        if (tls != null) {
            javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
            s.setEnabledProtocols(new String[] {"TLSv1.3"});
            s.startHandshake();
            socket = s;
        } else {
            socket = plain;
        }
        out = new DataOutputStream(socket.getOutputStream());
        Thread reader = new Thread(this::read, "raw-peer-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try (DataInputStream in = new DataInputStream(socket.getInputStream())) {
            while (true) {
                int len = in.readInt();
                byte[] f = new byte[len];
                in.readFully(f);
                received.add(f);
            }
        } catch (IOException e) {
            closedByPeer = true;
        }
    }

    /**
     * One write for the length and the frame: written apart, a TLS replica that reads the plain
     * length's first byte (not a TLS record) closes the socket before the frame follows, and the
     * second write fails with "Socket closed" (a flaky RouteHijackLoopbackTest under load).
     */
    synchronized void send(byte[] frame) throws IOException {
        byte[] all = java.nio.ByteBuffer.allocate(4 + frame.length).putInt(frame.length).put(frame).array();
        out.write(all);
        out.flush();
    }

    /** Frames received whose type (byte 1 of the frame header) is not one of {@code allowed}. */
    long receivedOtherThan(int... allowed) {
        return received.stream().filter(f -> {
            for (int t : allowed) if ((f[1] & 0xff) == t) return false;
            return true;
        }).count();
    }

    @Override public void close() throws IOException { socket.close(); }
}
