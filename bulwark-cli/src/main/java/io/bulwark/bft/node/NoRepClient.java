package io.bulwark.bft.node;

import io.bulwark.bft.net.Connection;
import io.bulwark.bft.net.EventLoop;
import io.bulwark.bft.net.FrameHandler;
import io.bulwark.bft.net.Transport;
import io.bulwark.bft.net.TransportConfig;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/** A client of {@link NoRepServer}: one outstanding call at a time, like {@link BftClient}. */
public final class NoRepClient implements AutoCloseable {
    private static final int SERVER = 0;
    private final EventLoop loop;
    private final Transport transport;
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private CompletableFuture<byte[]> pending;
    private byte[] pendingFrame;
    private long nextId;

    public NoRepClient(EventLoop loop, int self, InetSocketAddress server) {
        this.loop = loop;
        this.transport = new Transport(loop, self, TransportConfig.defaults(), new FrameHandler() {
            @Override public void onFrame(Connection conn, byte[] buf, int off, int len) {
                if (pending == null || len < 8) return;
                long id = 0;
                for (int i = 0; i < 8; i++) id = (id << 8) | (buf[off + i] & 0xff);
                if (id != nextId) return;
                CompletableFuture<byte[]> p = pending;
                pending = null;
                pendingFrame = null;
                p.complete(java.util.Arrays.copyOfRange(buf, off + 8, off + len));
            }

            @Override public void onConnected(Connection conn) {
                connected.complete(null);
                if (pendingFrame != null) transport.send(SERVER, pendingFrame);   // lost with the old connection
            }
        });
        transport.dial(SERVER, server);
    }

    public CompletableFuture<Void> connected() { return connected; }

    public CompletableFuture<byte[]> invokeAsync(byte[] operation) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        loop.execute(() -> {
            if (pending != null) {
                f.completeExceptionally(new IllegalStateException("one call at a time"));
                return;
            }
            pending = f;
            long id = ++nextId;
            byte[] frame = new byte[8 + operation.length];
            for (int i = 0; i < 8; i++) frame[i] = (byte) (id >>> (56 - 8 * i));
            System.arraycopy(operation, 0, frame, 8, operation.length);
            pendingFrame = frame;
            transport.send(SERVER, frame);
        });
        return f;
    }

    @Override public void close() { transport.close(); }
}
