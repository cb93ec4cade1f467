package io.bulwark.bft.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Issue 15's connection flood, as an outside host would make it, for {@code bench attack
 * --attacks connection-flood}: idle sockets (kept open, from 16 loopback source addresses
 * 127.0.0.2..17), slowloris sockets announcing a 61,440-byte frame and trickling a byte every 5 ms,
 * and connect/close churn, at every target port, until {@link #close}. Knows no keys.
 */
final class ConnectionFlood implements AutoCloseable {
    private static final int SOURCES = 16;
    private final List<InetSocketAddress> targets;
    private final List<Socket> open = Collections.synchronizedList(new ArrayList<>());
    private final List<Socket> slow = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong opened = new AtomicLong(), churned = new AtomicLong(), failed = new AtomicLong();

    private ConnectionFlood(List<InetSocketAddress> targets) { this.targets = List.copyOf(targets); }

    /** Starts flooding {@code targets}: {@code idlePerTarget} idle and {@code slowPerTarget} slowloris sockets each, and churn. */
    static ConnectionFlood start(List<InetSocketAddress> targets, int idlePerTarget, int slowPerTarget) {
        ConnectionFlood f = new ConnectionFlood(targets);
        f.thread("idle", () -> {
            for (int i = 0; i < idlePerTarget * targets.size() && !f.stop.get(); i++) f.openIdle(i);
        });
        f.thread("slowloris", () -> {
            for (int i = 0; i < slowPerTarget * targets.size() && !f.stop.get(); i++) {
                try {
                    Socket s = f.connect(i);
                    s.getOutputStream().write(new byte[] {0, 0, (byte) 0xf0, 0});
                    f.slow.add(s);
                } catch (IOException e) {
                    f.failed.incrementAndGet();
                }
            }
            byte[] one = {7};
            while (!f.stop.get()) {
                synchronized (f.slow) {
                    for (Socket s : f.slow) {
                        try { s.getOutputStream().write(one); } catch (IOException closedByReplica) { /* evicted */ }
                    }
                }
                LockSupport.parkNanos(5_000_000);
            }
        });
        f.thread("churn", () -> {
            for (int i = 0; !f.stop.get(); i++) {
                try (Socket s = f.connect(i)) {
                    f.churned.incrementAndGet();
                } catch (IOException e) {
                    f.failed.incrementAndGet();
                }
            }
        });
        return f;
    }

    private void openIdle(int i) {
        try {
            open.add(connect(i));
            opened.incrementAndGet();
        } catch (IOException e) {
            failed.incrementAndGet();
        }
    }

    private Socket connect(int i) throws IOException {
        Socket s = new Socket();
        try {
            s.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + (i / targets.size()) % SOURCES)}), 0));
            s.connect(targets.get(i % targets.size()), 5_000);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
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
        return opened.get() + " idle and " + slow.size() + " slowloris sockets opened, " + churned.get() + " churned connections, "
                + failed.get() + " connects failed";
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
        for (List<Socket> l : List.of(open, slow)) {
            synchronized (l) {
                for (Socket s : l) {
                    try { s.close(); } catch (IOException ignored) { /* closing anyway */ }
                }
            }
        }
    }
}
