package io.bulwark.bft.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Issue 15's connection flood, as an outside host that knows no keys would make it ({@code bulwark
 * flood}, run by {@code bench attack --attacks connection-flood} in a process of its own). From 16
 * loopback source addresses 127.0.0.2..17, at every target port until {@link #close}:
 * <ul>
 * <li><b>idle</b>: sockets that send nothing, kept at the given number per target — one the
 *     replica closes (its deadline to authenticate, an eviction) is opened again;</li>
 * <li><b>slowloris</b>: sockets that announce a 61,440-byte frame and trickle a byte every 5 ms,
 *     likewise re-opened when closed;</li>
 * <li><b>churn</b>: connect and close at once, as fast as one thread can;</li>
 * <li><b>hello</b>: connect, send a genuine TLS 1.3 ClientHello (made once, replayed on every
 *     connection, as a cheap attacker would), read what the replica answers, close. Each one makes a
 *     replica with TLS on do a key agreement and a signature before the missing client certificate
 *     ends the handshake: the attack on the replica's CPU.</li>
 * </ul>
 * Every socket is non-blocking ({@link SocketChannel}), so a sweep sees which ones the replica closed.
 */
final class ConnectionFlood implements AutoCloseable {
    private static final int SOURCES = 16;
    private static final long SWEEP_NANOS = 5_000_000;

    private final List<InetSocketAddress> targets;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong idleOpened = new AtomicLong(), idleClosedByReplica = new AtomicLong(), slowOpened = new AtomicLong(),
            slowClosedByReplica = new AtomicLong(), churned = new AtomicLong(), hellos = new AtomicLong(),
            helloAnswered = new AtomicLong(), failed = new AtomicLong();
    private volatile int idleOpen, slowOpen;
    private final AtomicLong nextSource = new AtomicLong();

    private ConnectionFlood(List<InetSocketAddress> targets) { this.targets = List.copyOf(targets); }

    /**
     * Starts flooding {@code targets}: {@code idlePerTarget} idle and {@code slowPerTarget} slowloris
     * sockets each, churn if {@code churn}, TLS ClientHellos if {@code hello}.
     */
    static ConnectionFlood start(List<InetSocketAddress> targets, int idlePerTarget, int slowPerTarget, boolean churn, boolean hello) {
        ConnectionFlood f = new ConnectionFlood(targets);
        if (idlePerTarget > 0) f.thread("idle", () -> f.keepOpen(idlePerTarget, false));
        if (slowPerTarget > 0) f.thread("slowloris", () -> f.keepOpen(slowPerTarget, true));
        if (churn) f.thread("churn", f::churn);
        if (hello) {
            byte[] clientHello = clientHello();
            f.thread("hello", () -> f.hellos(clientHello));
        }
        return f;
    }

    /** Keeps {@code perTarget} sockets open at every target (slowloris ones trickling), re-opening those the replica closes. */
    private void keepOpen(int perTarget, boolean slowloris) {
        List<SocketChannel> open = new ArrayList<>();
        ByteBuffer scratch = ByteBuffer.allocate(4096);
        byte[] prefix = {0, 0, (byte) 0xf0, 0};
        int i = 0;
        while (!stop.get()) {
            long sweepStart = System.nanoTime();
            // Re-open up to the target number (a bounded number per sweep, so sweeps stay frequent).
            for (int k = 0; k < 256 && open.size() < perTarget * targets.size() && !stop.get(); k++, i++) {
                SocketChannel c = connect(i);
                if (c == null) break;
                if (slowloris && !writeFully(c, ByteBuffer.wrap(prefix))) {
                    closeQuietly(c);
                    continue;
                }
                open.add(c);
                (slowloris ? slowOpened : idleOpened).incrementAndGet();
            }
            for (Iterator<SocketChannel> it = open.iterator(); it.hasNext(); ) {
                SocketChannel c = it.next();
                boolean alive;
                try {
                    scratch.clear();
                    alive = c.read(scratch) >= 0;          // drains whatever the replica sent (a TLS alert)
                    if (alive && slowloris) alive = c.write(ByteBuffer.wrap(new byte[] {7})) >= 0;
                } catch (IOException e) {
                    alive = false;
                }
                if (!alive) {
                    closeQuietly(c);
                    it.remove();
                    (slowloris ? slowClosedByReplica : idleClosedByReplica).incrementAndGet();
                }
            }
            if (slowloris) slowOpen = open.size(); else idleOpen = open.size();
            long left = SWEEP_NANOS - (System.nanoTime() - sweepStart);
            if (left > 0) LockSupport.parkNanos(left);
        }
        for (SocketChannel c : open) closeQuietly(c);
    }

    private void churn() {
        for (int i = 0; !stop.get(); i++) {
            SocketChannel c = connect(i);
            if (c == null) continue;
            closeQuietly(c);
            churned.incrementAndGet();
        }
    }

    private void hellos(byte[] clientHello) {
        ByteBuffer answer = ByteBuffer.allocate(16 << 10);
        for (int i = 0; !stop.get(); i++) {
            SocketChannel c = connect(i);
            if (c == null) continue;
            try {
                if (!writeFully(c, ByteBuffer.wrap(clientHello))) continue;
                hellos.incrementAndGet();
                // Wait (bounded) for the replica's first flight: it has done the expensive part by then.
                long deadline = System.nanoTime() + 200_000_000L;
                answer.clear();
                while (System.nanoTime() < deadline && !stop.get()) {
                    int n = c.read(answer);
                    if (n != 0) {
                        if (n > 0) helloAnswered.incrementAndGet();
                        break;
                    }
                    LockSupport.parkNanos(200_000);
                }
            } catch (IOException e) {
                failed.incrementAndGet();
            } finally {
                closeQuietly(c);
            }
        }
    }

    /** A non-blocking socket connected to target {@code i % targets} from the next source address, or null (counted). */
    private SocketChannel connect(int i) {
        SocketChannel c = null;
        try {
            c = SocketChannel.open();
            int source = (int) (nextSource.getAndIncrement() % SOURCES);
            c.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + source)}), 0));
            c.setOption(StandardSocketOptions.SO_LINGER, 0);   // closes with RST: no TIME_WAIT pile-up on the flooder's side
            c.connect(targets.get(i % targets.size()));        // blocking: loopback answers at once (or refuses)
            c.configureBlocking(false);
            return c;
        } catch (IOException e) {
            failed.incrementAndGet();
            if (c != null) closeQuietly(c);
            LockSupport.parkNanos(1_000_000);                  // e.g. out of ephemeral ports: do not spin
            return null;
        }
    }

    private boolean writeFully(SocketChannel c, ByteBuffer b) {
        try {
            for (int spins = 0; b.hasRemaining() && spins < 1000; spins++) c.write(b);
            return !b.hasRemaining();
        } catch (IOException e) {
            return false;
        }
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** A TLS 1.3 ClientHello as this JDK makes it, offering no client certificate and trusting anything. */
    static byte[] clientHello() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
                @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
                @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
            }}, new SecureRandom());
            SSLEngine e = ctx.createSSLEngine("replica", 0);
            e.setUseClientMode(true);
            ByteBuffer out = ByteBuffer.allocate(e.getSession().getPacketBufferSize());
            e.beginHandshake();
            e.wrap(ByteBuffer.allocate(0), out);
            out.flip();
            byte[] hello = new byte[out.remaining()];
            out.get(hello);
            return hello;
        } catch (Exception e) {
            throw new IllegalStateException("could not make a ClientHello: " + e, e);
        }
    }

    private void thread(String name, Runnable r) {
        Thread t = new Thread(r, "bulwark-flood-" + name);
        t.setDaemon(true);
        t.start();
        threads.add(t);
    }

    /** What it did so far, in one phrase. */
    String describe() {
        return String.format(java.util.Locale.ROOT,
                "idle sockets %d open (%d opened, %d closed by the replicas), slowloris %d open (%d opened, %d closed by the replicas), "
                        + "%d churned connections, %d TLS ClientHellos sent (%d answered), %d connects failed",
                idleOpen, idleOpened.get(), idleClosedByReplica.get(), slowOpen, slowOpened.get(), slowClosedByReplica.get(),
                churned.get(), hellos.get(), helloAnswered.get(), failed.get());
    }

    @Override public void close() {
        stop.set(true);
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
