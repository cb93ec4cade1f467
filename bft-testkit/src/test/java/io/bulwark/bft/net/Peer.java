package io.bulwark.bft.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/** Test fixture: a loop, a transport on it, and a handler that records what happened. */
final class Peer implements AutoCloseable, FrameHandler {
    final EventLoop loop;
    final Transport transport;
    final List<byte[]> frames = new CopyOnWriteArrayList<>();
    final List<Connection> connected = new CopyOnWriteArrayList<>();
    final List<Connection> accepted = new CopyOnWriteArrayList<>();
    final AtomicInteger disconnected = new AtomicInteger();
    /** Extra reaction to each frame, on the loop thread. */
    volatile BiConsumer<Connection, byte[]> onFrame = (c, f) -> { };

    Peer(int principal, TransportConfig cfg) {
        this(EventLoop.start("peer-" + principal + "-" + System.nanoTime()), principal, cfg);
    }

    Peer(EventLoop loop, int principal, TransportConfig cfg) {
        this(loop, principal, cfg, null);
    }

    /** A peer whose transport runs TLS ({@code tls} null: plaintext). */
    Peer(int principal, TransportConfig cfg, TransportTls tls) {
        this(EventLoop.start("peer-" + principal + "-" + System.nanoTime()), principal, cfg, tls);
    }

    Peer(EventLoop loop, int principal, TransportConfig cfg, TransportTls tls) {
        this.loop = loop;
        this.transport = new Transport(loop, principal, cfg, this, tls);
    }

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    int listen() { return transport.listen(loopback(0)); }

    @Override
    public void onFrame(Connection conn, byte[] buf, int off, int len) {
        byte[] f = (off == 0 && len == buf.length) ? buf : java.util.Arrays.copyOfRange(buf, off, off + len);
        frames.add(f);
        onFrame.accept(conn, f);
    }

    @Override
    public void onConnected(Connection conn) { connected.add(conn); }

    @Override
    public void onAccepted(Connection conn) { accepted.add(conn); }

    @Override
    public void onDisconnected(Connection conn) { disconnected.incrementAndGet(); }

    /** Runs on the loop and waits. */
    <T> T onLoop(java.util.concurrent.Callable<T> c) {
        try {
            return loop.submit(c).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    void onLoop(Runnable r) { onLoop(() -> { r.run(); return null; }); }

    List<byte[]> framesSnapshot() { return new ArrayList<>(frames); }

    @Override
    public void close() {
        transport.close();
        loop.close();
    }
}
