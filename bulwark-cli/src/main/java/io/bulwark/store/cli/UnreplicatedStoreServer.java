package io.bulwark.store.cli;

import io.bulwark.bft.service.Service;
import io.bulwark.store.unreplicated.UnreplicatedFrames;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store without replication, over TCP: the paper's NO-REP baseline (section 6.2.1) for a whole application.
 * One {@link Service} (an application's {@code StoreService}) on the same kind of paged state a replica has,
 * executing one request at a time on one thread as a replica does, with the time a primary would propose
 * (the wall clock, never going backwards) as the non-deterministic input. What it leaves out is what replication
 * costs: agreement, authentication (a client's id is what it says: bind it to loopback only), certificates,
 * checkpoints. For baselines ({@code bulwark unreplicated}, {@code bulwark bench app}); it tolerates no fault.
 * Malformed frames close their connection and are counted by reason ({@link #rejections}).
 */
public final class UnreplicatedStoreServer implements AutoCloseable {
    private final UnreplicatedExecution execution;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> rejections = new ConcurrentHashMap<>();
    private final AtomicLong executed = new AtomicLong();
    private volatile ServerSocket listener;

    /** {@code service} gets a region of {@code pages} pages now, on the execution thread. */
    public UnreplicatedStoreServer(Service service, int pages) throws InterruptedException {
        this.execution = new UnreplicatedExecution(service, pages, 1, "unreplicated-store-execute");
    }

    /** Listens on {@code address} (port 0: any free one) and returns the port. */
    public int start(InetSocketAddress address) throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(address);
        listener = s;
        daemon(this::accept, "unreplicated-store-accept").start();
        return s.getLocalPort();
    }

    private void accept() {
        ServerSocket s = listener;
        while (!s.isClosed()) {
            try {
                Socket c = s.accept();
                c.setTcpNoDelay(true);
                connections.add(c);
                daemon(() -> serve(c), "unreplicated-store-conn").start();
            } catch (IOException e) {
                if (!s.isClosed()) count("accept-failed");
            }
        }
    }

    private void serve(Socket c) {
        try {   // closed in finally, after the reason is counted
            DataInputStream in = new DataInputStream(new BufferedInputStream(c.getInputStream()));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(c.getOutputStream()));
            while (true) {
                UnreplicatedFrames.Request r = UnreplicatedFrames.readRequest(in);
                if (r == null) return;
                byte[] result = execution.execute(r.operation(), r.client(), r.readOnly());
                executed.incrementAndGet();
                UnreplicatedFrames.writeReply(out, result);
            }
        } catch (UnreplicatedFrames.MalformedFrameException e) {
            count(e.reason());
        } catch (IOException e) {
            // the client went away mid-frame or the server is closing: the connection ends
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            count("execution-failed");   // the service threw (it should answer a failure instead): this connection ends
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        } finally {
            connections.remove(c);
            closeQuietly(c);
        }
    }

    private static void closeQuietly(Socket c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private void count(String reason) { rejections.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet(); }

    /** Connections closed for a malformed frame (or a failure), by reason. */
    public Map<String, Long> rejections() {
        Map<String, Long> out = new TreeMap<>();
        rejections.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Requests executed so far. */
    public long executed() { return executed.get(); }

    @Override public void close() {
        try {
            if (listener != null) listener.close();
        } catch (IOException ignored) {
            // already closed
        }
        for (Socket c : connections) closeQuietly(c);
        try {
            execution.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
