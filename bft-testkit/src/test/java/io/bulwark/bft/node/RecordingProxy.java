package io.bulwark.bft.node;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A man in the middle between one dialer and one replica on loopback: forwards both ways, records
 * every frame the dialer sends, and can inject frames of its own into the dialer's stream (so they
 * arrive on the dialer's bound connection). Holds no keys. One connection; closes everything on close.
 */
final class RecordingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int upstreamPort;
    private volatile Socket down, up;
    private DataOutputStream upOut;
    final List<byte[]> fromDialer = new CopyOnWriteArrayList<>();

    RecordingProxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(this::serve, "proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    int port() { return server.getLocalPort(); }

    private void serve() {
        try {
            down = server.accept();
            up = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
            down.setTcpNoDelay(true);
            up.setTcpNoDelay(true);
            synchronized (this) { upOut = new DataOutputStream(up.getOutputStream()); notifyAll(); }
            Thread back = new Thread(() -> copy(up, down), "proxy-back");
            back.setDaemon(true);
            back.start();
            try (DataInputStream in = new DataInputStream(down.getInputStream())) {
                while (true) {
                    int len = in.readInt();
                    byte[] f = new byte[len];
                    in.readFully(f);
                    fromDialer.add(f);
                    inject(f);
                }
            }
        } catch (IOException | InterruptedException e) {
            // closed
        }
    }

    private static void copy(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // closed
        }
    }

    /** Writes {@code frame} into the dialer's stream towards the replica. */
    synchronized void inject(byte[] frame) throws IOException, InterruptedException {
        while (upOut == null) wait();
        upOut.writeInt(frame.length);
        upOut.write(frame);
        upOut.flush();
    }

    @Override public void close() throws IOException {
        server.close();
        if (down != null) down.close();
        if (up != null) up.close();
    }
}
