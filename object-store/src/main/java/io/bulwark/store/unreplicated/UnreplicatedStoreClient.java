package io.bulwark.store.unreplicated;

import io.bulwark.bft.node.Invoker;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A client of the unreplicated store server ({@code bulwark unreplicated}, in the command-line tool, not this library): one connection, one call at a time (as a {@code BftClient}),
 * reconnecting at the next call after a failure. It states its client id and the server believes it: there is
 * no authentication here, nor anything certified; this is the baseline, not a deployment.
 */
public final class UnreplicatedStoreClient implements Invoker, AutoCloseable {
    private final InetSocketAddress server;
    private final int clientId;
    private Socket socket;
    private DataInputStream in;
    private DataOutputStream out;
    private boolean closed;

    public UnreplicatedStoreClient(InetSocketAddress server, int clientId) {
        this.server = server;
        this.clientId = clientId;
    }

    /** {@code host:port}; {@link IllegalArgumentException} naming what is wrong. */
    public static InetSocketAddress parseAddress(String hostPort) {
        int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
        if (colon <= 0) throw new IllegalArgumentException("expected host:port, not '" + hostPort + "'");
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected host:port, not '" + hostPort + "'");
        }
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port out of range in '" + hostPort + "'");
        return new InetSocketAddress(hostPort.substring(0, colon).strip(), port);
    }

    @Override public synchronized byte[] invoke(byte[] operation, boolean readOnly, Duration timeout) throws TimeoutException {
        if (closed) throw new IllegalStateException("client closed");
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        try {
            if (socket == null) connect(millis);
            socket.setSoTimeout(millis);
            try {
                UnreplicatedFrames.writeRequest(out, clientId, readOnly, operation);
            } catch (IllegalArgumentException tooLarge) {
                throw new IllegalStateException(tooLarge.getMessage(), tooLarge);   // refused before sending
            }
            return UnreplicatedFrames.readReply(in);
        } catch (SocketTimeoutException e) {
            drop();   // a late reply must not answer the next call
            throw new TimeoutException("no reply from the unreplicated store at " + server + " within " + timeout);
        } catch (IOException e) {
            drop();
            throw new IllegalStateException("the unreplicated store at " + server + ": " + e.getMessage(), e);
        }
    }

    private void connect(int millis) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(server, millis);
            in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
            socket = s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private void drop() {
        if (socket == null) return;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a broken connection: nothing more to do
        }
        socket = null;
    }

    /** No replica group: no view. */
    @Override public long view() { return -1; }

    @Override public synchronized void close() {
        closed = true;
        drop();
    }

    @Override public String toString() { return "the unreplicated store at " + server + " as client " + clientId; }
}
