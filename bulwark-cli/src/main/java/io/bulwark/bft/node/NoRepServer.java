package io.bulwark.bft.node;

import io.bulwark.bft.net.Connection;
import io.bulwark.bft.net.EventLoop;
import io.bulwark.bft.net.FrameHandler;
import io.bulwark.bft.net.Transport;
import io.bulwark.bft.net.TransportConfig;
import io.bulwark.bft.service.Service;
import java.net.InetSocketAddress;

/**
 * The paper's NO-REP baseline (section 6.2.1): the same service, unreplicated, over the same
 * transport and event loop, without agreement or authentication. A request frame is
 * {@code [i64 id][operation]}, the reply {@code [i64 id][result]}.
 */
public final class NoRepServer implements AutoCloseable {
    private final EventLoop loop = EventLoop.start("bulwark-norep", false);
    private final Transport transport;
    private final Service service;

    public NoRepServer(Service service) {
        this.service = service;
        this.transport = new Transport(loop, 0, TransportConfig.defaults(), new FrameHandler() {
            private int nextConnection = 1;

            /** No authentication here: every connection is a client of its own, kept open. */
            @Override public void onAccepted(Connection conn) { transport.bind(nextConnection++, conn); }

            @Override public void onFrame(Connection conn, byte[] buf, int off, int len) {
                if (len < 8) {
                    conn.close();
                    return;
                }
                byte[] op = java.util.Arrays.copyOfRange(buf, off + 8, off + len);
                byte[] result = NoRepServer.this.service.execute(op, 0, new byte[0], false);
                byte[] reply = new byte[8 + result.length];
                System.arraycopy(buf, off, reply, 0, 8);
                System.arraycopy(result, 0, reply, 8, result.length);
                transport.send(conn, reply);
            }
        });
    }

    public int start(InetSocketAddress addr) { return transport.listen(addr); }

    @Override public void close() {
        transport.close();
        loop.close();
    }
}
