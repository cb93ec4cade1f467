package io.bulwark.bft.net;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;

/**
 * Frames between principals over TCP, for one principal, on one {@link EventLoop}.
 *
 * <p><b>Wire format.</b> Each frame is a 4-byte big-endian length followed by that many bytes.
 * A length ≤ 0 or above {@link TransportConfig#maxFrameBytes()} closes the connection (counted
 * as a bad frame) before anything is allocated. Empty frames are not allowed: the layer above
 * never sends one, and one fewer case is one fewer thing to get wrong.
 *
 * <p><b>Routing.</b> {@code send(peer, …)} uses the peer's <em>route</em>: the connection that
 * most recently became usable for it — a dialed connection when it is established (or, with
 * {@link TransportConfig#routeDialedOnBind}, when {@link #bind} is called on it), or an accepted
 * one when {@link #bind} is called. The layer above binds an accepted connection only to a
 * principal that proved itself on it, so an unproven connection never takes over a route. If the
 * route closes, the newest other open connection of that peer takes over, if any.
 *
 * <p><b>Unauthenticated connections</b> (issue 15) cannot lock anyone out: an accepted connection
 * not bound within {@link TransportConfig#unboundTimeout} is closed; one source address holds at
 * most {@link TransportConfig#maxUnboundPerSource} of them (its oldest goes first); a full table
 * evicts the oldest unbound connection before it refuses anyone; an unbound connection may not
 * announce a frame above {@link TransportConfig#maxUnboundFrameBytes}; binding a principal closes
 * its older accepted connection. Every eviction and refusal is counted ({@link TransportStats}).
 *
 * <p><b>TLS</b> (issue 20), when constructed with a {@link TransportTls}: every connection runs
 * TLS 1.3 with both ends authenticated by keys pinned in {@code cluster.conf}. A dialed connection
 * is handed to the layer above ({@link FrameHandler#onConnected}) only once the handshake proved
 * the dialed principal is on it; an accepted one is {@link #bind bound} to the principal the
 * handshake authenticated, then handed over ({@link FrameHandler#onAccepted}). A handshake must
 * complete within {@link TransportConfig#unboundTimeout}; a first byte that is not a TLS handshake
 * record, an unpinned key, or any other handshake failure closes the connection, each counted.
 * Until then nothing of the peer's reaches the layer above, and buffers are one TLS record each.
 *
 * <p><b>Writes.</b> {@code send} only queues (bounded per connection; a frame that does not fit
 * is dropped and counted — the protocol retransmits). At the end of the loop iteration every
 * connection with queued frames is flushed: frames are copied into a direct buffer the connection
 * borrows from a pool until it is empty again ({@link BufferPool}) and written with as few
 * {@code write()} calls as the buffer size allows.
 *
 * <p><b>Threading.</b> {@link #send}, {@link #bind} and {@link #route} are loop thread only;
 * {@link #listen}, {@link #dial} and {@link #close} may be called from any thread (off the loop
 * they run on it and wait); {@link #stats} from any thread. All {@link FrameHandler} callbacks
 * run on the loop thread.
 */
public final class Transport implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Transport.class.getName());
    private static final int ACCEPTS_PER_WAKE = 64;
    private static final long ACCEPT_PAUSE_MS = 100;

    private final EventLoop loop;
    private final int self;
    private final TransportConfig cfg;
    private final FrameHandler handler;
    private final long minBackoffNanos;
    private final long maxBackoffNanos;
    private final TransportTls tls;         // null: plaintext
    /** With TLS: the thread that runs handshakes' key agreements and signatures, off the loop (null: plaintext). */
    private final java.util.concurrent.ThreadPoolExecutor handshakes;
    /** Direct buffers lent to connections while they read or write (issue 16 item 6): an idle connection holds none. */
    private final BufferPool readBuffers;
    private final BufferPool writeBuffers;
    private final long[] lastWarnNanos = new long[8];

    private final List<ServerSocketChannel> servers = new ArrayList<>();
    private final Map<Integer, Dialer> dialers = new HashMap<>();
    private final Map<Integer, Connection> routes = new HashMap<>();
    private final Set<Connection> conns = new LinkedHashSet<>();
    /** Accepted connections nobody has bound yet, oldest first: the first to go when room is needed. */
    private final Set<Connection> unbound = new LinkedHashSet<>();
    private final Map<java.net.InetAddress, Integer> unboundPerSource = new HashMap<>();
    private final ArrayList<Connection> dirty = new ArrayList<>();
    private final Runnable flushTask = this::flushDirty;
    private boolean flushScheduled;
    private long nextConnId;
    private long routeSeq;
    private volatile boolean closed;

    // Counters: written only by the loop thread, read by stats() from any thread.
    private volatile long framesIn, framesOut, bytesIn, bytesOut, droppedQueueFull, droppedNoConnection,
            badFrames, accepted, rejected, established, closedCount, connectFailures, writeSyscalls,
            handlerErrors, evictedTableFull, evictedPerSource, unboundTimedOut, superseded, openConnections, queuedBytes,
            tlsHandshakes, tlsNotTls, tlsUnpinnedKey, tlsNotAdmitted, tlsHandshakeTimedOut, tlsHandshakeFailed, tlsMismatch, tlsHandshakesShed;

    /** A plaintext transport. */
    public Transport(EventLoop loop, int self, TransportConfig cfg, FrameHandler handler) {
        this(loop, self, cfg, handler, null);
    }

    /** A transport that runs TLS on every connection if {@code tls} is not null (see the class comment). */
    public Transport(EventLoop loop, int self, TransportConfig cfg, FrameHandler handler, TransportTls tls) {
        if (tls != null && tls.self() != self) throw new IllegalArgumentException("TLS identity of " + tls.self() + " for principal " + self);
        this.tls = tls;
        // A TLS record unwraps whole into the read buffer (deliver() leaves at most a length prefix behind).
        this.readBuffers = new BufferPool(tls == null ? cfg.readBufferBytes() : Math.max(cfg.readBufferBytes(), tls.applicationBufferSize() + 64), SPARE_BUFFERS);
        this.writeBuffers = new BufferPool(cfg.writeBufferBytes(), SPARE_BUFFERS);
        if (self < 0) throw new IllegalArgumentException("principal must be >= 0: " + self);
        this.loop = Objects.requireNonNull(loop);
        this.self = self;
        this.cfg = Objects.requireNonNull(cfg);
        this.handler = Objects.requireNonNull(handler);
        this.minBackoffNanos = cfg.minBackoff().toNanos();
        this.maxBackoffNanos = cfg.maxBackoff().toNanos();
        this.handshakes = tls == null ? null : handshakeThread(loop.name() + "-tls-" + self);
    }

    /**
     * Handshakes waiting for the handshake thread beyond which a new one is shed (its connection
     * closed unanswered and counted): a flood of ClientHellos then costs the handshake thread, never
     * the loop, and its backlog stays bounded (issue 15).
     */
    public static final int HANDSHAKE_QUEUE = 32;

    /**
     * Spare buffers each pool keeps. One loop thread reads or writes one connection at a time, and a
     * connection gives its buffer back once it is empty, so few are out at once: those of connections
     * holding part of a length prefix, or blocked on a full socket.
     */
    static final int SPARE_BUFFERS = 32;

    private static java.util.concurrent.ThreadPoolExecutor handshakeThread(String name) {
        // Started at the first handshake, gone after 10 s without one: a process with many client
        // transports (a benchmark's hundreds of clients) does not keep a thread per transport.
        java.util.concurrent.ThreadPoolExecutor e = new java.util.concurrent.ThreadPoolExecutor(1, 1, 10, java.util.concurrent.TimeUnit.SECONDS,
                new java.util.concurrent.ArrayBlockingQueue<>(HANDSHAKE_QUEUE), r -> {
                    Thread t = new Thread(r, name);
                    t.setDaemon(true);
                    return t;
                }, new java.util.concurrent.ThreadPoolExecutor.AbortPolicy());
        e.allowCoreThreadTimeOut(true);
        return e;
    }

    public int self() { return self; }

    public EventLoop loop() { return loop; }

    public TransportConfig config() { return cfg; }

    /** True if connections run TLS. */
    public boolean tls() { return tls != null; }

    // ------------------------------------------------------------------ listen / accept

    /** Binds and accepts connections on {@code addr}; port 0 picks one. Returns the bound port. */
    public int listen(InetSocketAddress addr) {
        Objects.requireNonNull(addr);
        return loop.call(() -> {
            if (closed) throw new IllegalStateException("transport closed");
            ServerSocketChannel s = ServerSocketChannel.open();
            try {
                s.configureBlocking(false);
                // a restarted replica must get its port back while old sockets sit in TIME_WAIT
                s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                s.bind(addr, 128);
                loop.register(s, SelectionKey.OP_ACCEPT, k -> acceptReady(s, k));
                servers.add(s);
                return ((InetSocketAddress) s.getLocalAddress()).getPort();
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
        });
    }

    private void acceptReady(ServerSocketChannel server, SelectionKey key) throws IOException {
        for (int i = 0; i < ACCEPTS_PER_WAKE; i++) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (IOException e) {
                // e.g. out of file descriptors: the listener stays, but pause accepting rather
                // than spin on a socket that stays "acceptable"
                LOG.log(Level.WARNING, "accept failed, pausing accepts for " + ACCEPT_PAUSE_MS + " ms: " + e);
                key.interestOps(0);
                loop.schedule(ACCEPT_PAUSE_MS * 1_000_000L, () -> {
                    if (key.isValid()) key.interestOps(SelectionKey.OP_ACCEPT);
                });
                return;
            }
            if (c == null) return;
            // Issue 15: a full table first sheds connections nobody proved anything on, oldest first;
            // only when every one is bound is the newcomer refused.
            if (!closed && openConnections >= cfg.maxConnections() && !unbound.isEmpty()) {
                evictedTableFull++;
                closeConnection(unbound.iterator().next(), "evicted: table full");
            }
            if (closed || openConnections >= cfg.maxConnections()) {
                rejected++;
                c.close();
                continue;
            }
            java.net.InetAddress source = c.socket().getInetAddress();
            if (source != null && unboundPerSource.getOrDefault(source, 0) >= cfg.maxUnboundPerSource()) {
                // One host's unproven connections are bounded: its oldest makes room (a genuine dialer
                // proves itself within a round trip, long before it is the oldest of many).
                for (Connection old : unbound) {
                    if (source.equals(old.source)) {
                        evictedPerSource++;
                        closeConnection(old, "evicted: too many unbound connections from " + source);
                        break;
                    }
                }
            }
            Connection conn;
            try {
                c.configureBlocking(false);
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                conn = new Connection(this, c, false, Connection.UNBOUND, nextConnId++, readBuffers, writeBuffers);
                if (tls != null) {
                    conn.tls = new TlsSession(tls.acceptorEngine());
                    conn.tls.engine.beginHandshake();
                }
                conn.key = loop.register(c, SelectionKey.OP_READ, k -> connectionReady(conn, k));
            } catch (IOException e) {
                c.close();
                continue;
            }
            conn.established = true;
            conn.source = source;
            conns.add(conn);
            unbound.add(conn);
            if (source != null) unboundPerSource.merge(source, 1, Integer::sum);
            accepted++;
            openConnections++;
            conn.unboundTimer = loop.schedule(cfg.unboundTimeout().toNanos(), () -> {
                if (conn.peer() == Connection.UNBOUND && conn.isOpen()) {
                    if (conn.tls != null && !conn.tls.handshakeDone) {
                        tlsHandshakeTimedOut++;
                        closeConnection(conn, "TLS handshake not completed in time");
                    } else {
                        unboundTimedOut++;
                        closeConnection(conn, "not bound in time");
                    }
                }
            });
            if (conn.tls != null) continue;     // handed to the layer above once the handshake names the peer
            try {
                handler.onAccepted(conn);
            } catch (RuntimeException e) {
                handlerFailed(conn, "onAccepted", e);
            }
        }
    }

    // ------------------------------------------------------------------ dial / reconnect

    /**
     * Keeps a connection to {@code peer} at {@code addr}: connects now and reconnects with
     * exponential backoff whenever the attempt fails or the connection drops, until
     * {@link #close()}. Dialing a peer again with a new address closes the current connection
     * and dials the new one; with the same address it does nothing.
     */
    public void dial(int peer, InetSocketAddress addr) {
        Objects.requireNonNull(addr);
        if (peer < 0 || peer == self) throw new IllegalArgumentException("cannot dial principal " + peer);
        loop.call(() -> {
            if (closed) throw new IllegalStateException("transport closed");
            Dialer d = dialers.get(peer);
            if (d == null) {
                d = new Dialer(peer, addr, minBackoffNanos);
                dialers.put(peer, d);
            } else if (d.address.equals(addr)) {
                return null;
            } else {
                d.address = addr;
                if (d.retry != null) d.retry.cancel();
                if (d.conn != null) closeConnection(d.conn, "re-dialed");
                if (d.retry != null) d.retry.cancel();  // closing scheduled a retry; connect now instead
            }
            connect(d);
            return null;
        });
    }

    private void connect(Dialer d) {
        d.retry = null;
        if (closed) return;
        SocketChannel c;
        try {
            c = SocketChannel.open();
        } catch (IOException e) {
            connectFailures++;
            scheduleRetry(d);
            return;
        }
        Connection conn = new Connection(this, c, true, d.peer, nextConnId++, readBuffers, writeBuffers);
        d.conn = conn;
        conns.add(conn);
        openConnections++;
        try {
            c.configureBlocking(false);
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean done = c.connect(d.address);
            conn.key = loop.register(c, done ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT,
                    k -> connectionReady(conn, k));
            if (done) established(d, conn);
        } catch (IOException | RuntimeException e) {
            closeConnection(conn, "connect failed: " + e);
        }
    }

    private void established(Dialer d, Connection conn) {
        conn.established = true;
        conn.establishedAtNanos = System.nanoTime();
        established++;
        if (tls != null) {
            startDialerHandshake(conn);
            return;
        }
        if (!cfg.routeDialedOnBind()) route(d.peer, conn);
        try {
            handler.onConnected(conn);
        } catch (RuntimeException e) {
            handlerFailed(conn, "onConnected", e);
        }
    }

    private void startDialerHandshake(Connection conn) {
        conn.tls = new TlsSession(tls.dialerEngine(conn.peer()));
        conn.unboundTimer = loop.schedule(cfg.unboundTimeout().toNanos(), () -> {
            if (conn.isOpen() && !conn.tls.handshakeDone) {
                tlsHandshakeTimedOut++;
                warn(0, "TLS handshake with principal " + conn.peer() + " did not complete within " + cfg.unboundTimeout()
                        + " (is it reachable, and does it run with TLS on?)");
                closeConnection(conn, "TLS handshake not completed in time");
            }
        });
        try {
            conn.tls.engine.beginHandshake();
            conn.flush();   // the ClientHello
        } catch (IOException e) {
            failed(conn, e);
        }
    }

    /**
     * A TLS handshake completed (called by the connection): a dialed connection is handed to the
     * layer above if the dialed principal is on it; an accepted one is bound to the principal the
     * handshake authenticated, which replaces the binding handshake of plaintext connections.
     */
    void tlsHandshakeDone(Connection conn) {
        if (conn.unboundTimer != null) {
            conn.unboundTimer.cancel();
            conn.unboundTimer = null;
        }
        int peer = tls.peerOf(conn.tls.engine);
        if (peer < 0 || peer == self || (conn.dialed() && peer != conn.peer())) {
            // the trust manager refuses these during the handshake; never reached unless it has a bug
            tlsUnpinnedKey++;
            closeConnection(conn, "TLS peer " + peer + " is not the principal expected");
            return;
        }
        tlsHandshakes++;
        if (conn.dialed()) {
            if (!cfg.routeDialedOnBind()) route(peer, conn);
            try {
                handler.onConnected(conn);
            } catch (RuntimeException e) {
                handlerFailed(conn, "onConnected", e);
            }
        } else {
            // Bound to the peer now; with routeDialedOnBind (nodes) routed when the layer above calls bind.
            if (!bind(peer, conn, !cfg.routeDialedOnBind())) {
                closeConnection(conn, "cannot bind to TLS peer " + peer);
                return;
            }
            try {
                handler.onAccepted(conn);
            } catch (RuntimeException e) {
                handlerFailed(conn, "onAccepted", e);
            }
        }
        markDirty(conn);   // frames queued during the handshake leave now
    }

    /** Closes a connection after an I/O failure, counting a TLS one by reason. */
    private void failed(Connection conn, IOException e) {
        if (!conn.isOpen()) return;
        if (conn.tls == null || (conn.tls.handshakeDone && !(e instanceof javax.net.ssl.SSLException))) {
            closeConnection(conn, e.toString());
            return;
        }
        if (!(e instanceof javax.net.ssl.SSLException)) {
            // the socket failed mid-handshake (reset by the peer, a broken pipe): a handshake that failed all the same
            tlsHandshakeFailed++;
            closeConnection(conn, "TLS handshake: " + e);
            return;
        }
        String who = conn.dialed() ? "principal " + conn.peer() : "a peer at " + conn.remoteAddress();
        if (e instanceof Connection.NotTlsException n) {
            tlsNotTls++;
            if (n.firstByte == 0) warn(1, who + " speaks plaintext, but TLS is on here: does it run with TLS off (tls = off / --tls=off)? Both ends must agree.");
            closeConnection(conn, e.getMessage());
            return;
        }
        if (causedBy(e, PinnedTrustManager.NotAdmittedException.class)) {
            tlsNotAdmitted++;
            warn(6, "refused " + who + " on this listener: " + rootMessage(e));
            conn.sendAlertBestEffort();
            closeConnection(conn, "TLS: " + rootMessage(e));
            return;
        }
        if (causedBy(e, PinnedTrustManager.UnpinnedKeyException.class)) {
            tlsUnpinnedKey++;
            warn(2, "refused the TLS key of " + who + ": " + rootMessage(e));
            conn.sendAlertBestEffort();
            closeConnection(conn, "TLS: " + rootMessage(e));
            return;
        }
        tlsHandshakeFailed++;
        if (conn.dialed()) {
            String hint = e instanceof Connection.HandshakeEofException
                    ? " (does it run with TLS off? is our TLS key pinned in its cluster.conf?)" : "";
            warn(3, "TLS with " + who + " failed: " + rootMessage(e) + hint);
        }
        conn.sendAlertBestEffort();
        closeConnection(conn, "TLS: " + rootMessage(e));
    }

    private static boolean causedBy(Throwable t, Class<?> c) {
        for (int i = 0; t != null && i < 10; i++, t = t.getCause()) if (c.isInstance(t)) return true;
        return false;
    }

    private static String rootMessage(Throwable t) {
        String m = t.getMessage();
        for (int i = 0; t.getCause() != null && i < 10; i++) {
            t = t.getCause();
            if (t.getMessage() != null) m = t.getMessage();
        }
        return m;
    }

    /** Logs at WARNING at most once per 10 s per slot (a misconfigured peer retries with backoff), else at DEBUG. */
    private void warn(int slot, String message) {
        long now = System.nanoTime();
        boolean loud = lastWarnNanos[slot] == 0 || now - lastWarnNanos[slot] > 10_000_000_000L;
        if (loud) lastWarnNanos[slot] = now;
        LOG.log(loud ? Level.WARNING : Level.DEBUG, "principal " + self + ": " + message);
    }

    private void scheduleRetry(Dialer d) {
        if (closed || dialers.get(d.peer) != d) return;
        d.retry = loop.schedule(d.nextDelay(maxBackoffNanos), () -> connect(d));
    }

    // ------------------------------------------------------------------ identity

    /**
     * Binds an accepted connection to the principal the layer above has authenticated on it;
     * it becomes that principal's route. Returns false (and changes nothing) if the connection
     * is closed, not this transport's, or already bound/dialed to a different principal.
     * Loop thread only.
     */
    public boolean bind(int principal, Connection conn) { return bind(principal, conn, true); }

    private boolean bind(int principal, Connection conn, boolean makeRoute) {
        loop.requireLoop();
        if (principal < 0 || principal == self || conn == null || !conn.isOpen() || !conns.contains(conn)) return false;
        if (conn.peer() != Connection.UNBOUND && conn.peer() != principal) return false;
        boolean wasUnbound = conn.peer() == Connection.UNBOUND;
        forgetUnbound(conn);
        conn.bindPeer(principal);
        if (conn.unboundTimer != null) {
            conn.unboundTimer.cancel();
            conn.unboundTimer = null;
        }
        if (makeRoute) route(principal, conn);
        if (wasUnbound) {
            // One accepted connection per principal: an older one (often half-dead after a reconnect)
            // goes, so bound connections are bounded by the number of principals.
            for (Connection old : new ArrayList<>(conns)) {
                if (old != conn && !old.dialed() && old.peer() == principal) {
                    superseded++;
                    closeConnection(old, "superseded by " + conn);
                }
            }
        }
        return true;
    }

    private void forgetUnbound(Connection conn) {
        if (!unbound.remove(conn) || conn.source == null) return;
        unboundPerSource.computeIfPresent(conn.source, (k, v) -> v > 1 ? v - 1 : null);
    }

    /** Spare read and write buffers the pools keep now. Loop thread only (tests). */
    int spareBuffers() {
        loop.requireLoop();
        return readBuffers.idle() + writeBuffers.idle();
    }

    /** The connection {@code send(peer, …)} would use now, or null. Loop thread only. */
    public Connection route(int peer) {
        loop.requireLoop();
        return routes.get(peer);
    }

    private void route(int peer, Connection conn) {
        conn.routeSeq = ++routeSeq;
        routes.put(peer, conn);
    }

    // ------------------------------------------------------------------ send / flush

    /**
     * Queues a frame for {@code peer}; it is written at the end of this loop iteration. Returns
     * false if it was dropped (no open connection, or the queue is full); drops are counted.
     * The transport keeps a reference to {@code frame} until written: do not modify it.
     * There is no route to {@link #self()}: the layer above handles its own messages.
     * Loop thread only.
     *
     * @throws IllegalArgumentException if the frame is empty or longer than the maximum (a local bug)
     */
    public boolean send(int peer, byte[] frame) {
        loop.requireLoop();
        checkFrame(frame);
        Connection conn = routes.get(peer);
        if (conn == null || closed) {
            droppedNoConnection++;
            return false;
        }
        return enqueue(conn, frame);
    }

    /** Like {@link #send(int, byte[])} on a given connection (e.g. a reply on an unbound one). */
    public boolean send(Connection conn, byte[] frame) {
        loop.requireLoop();
        checkFrame(frame);
        if (closed || !conn.isOpen() || !conn.established || !conns.contains(conn)) {
            droppedNoConnection++;
            return false;
        }
        return enqueue(conn, frame);
    }

    private void checkFrame(byte[] frame) {
        if (frame.length == 0 || frame.length > cfg.maxFrameBytes())
            throw new IllegalArgumentException("frame length " + frame.length + " not in 1.." + cfg.maxFrameBytes());
    }

    private boolean enqueue(Connection conn, byte[] frame) {
        if (!conn.enqueue(frame, cfg.maxQueuedBytes())) {
            droppedQueueFull++;
            return false;
        }
        queuedBytes += 4L + frame.length;
        markDirty(conn);
        return true;
    }

    private void markDirty(Connection conn) {
        if (!conn.dirty && !conn.writeBlocked()) {
            conn.dirty = true;
            dirty.add(conn);
            if (!flushScheduled) {
                flushScheduled = true;
                loop.atEndOfIteration(flushTask);
            }
        }
    }

    private void flushDirty() {
        flushScheduled = false;
        for (int i = 0; i < dirty.size(); i++) {
            Connection c = dirty.get(i);
            c.dirty = false;
            if (!c.isOpen() || c.writeBlocked()) continue;
            try {
                c.flush();
            } catch (IOException e) {
                failed(c, e);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "unexpected failure on " + c, e);
                closeConnection(c, "internal error: " + e);
            }
        }
        dirty.clear();
    }

    // ------------------------------------------------------------------ readiness

    /**
     * The TLS engine of {@code conn} needs its delegated tasks run (the handshake's key agreement,
     * signature, certificate check): they run on the handshake thread, not the loop, so that a
     * stranger's ClientHello never holds up the protocol (issue 15: a keyless flood of handshakes
     * costs a key agreement and a signature each). The connection reads and writes nothing meanwhile;
     * the loop resumes it when they ran. A full handshake queue sheds the connection (counted).
     * Returns true if the connection must wait (tasks handed over or already running, or shed);
     * false if there is nothing to hand over, and the caller carries on itself.
     */
    boolean runHandshakeTasks(Connection conn) {
        if (handshakes == null) return false;
        if (conn.handshakeTasksRunning) return true;
        List<Runnable> tasks = new ArrayList<>(2);
        for (Runnable t; (t = conn.tls.engine.getDelegatedTask()) != null; ) tasks.add(t);
        if (tasks.isEmpty()) return false;
        conn.handshakeTasksRunning = true;
        if (conn.key != null && conn.key.isValid()) conn.key.interestOps(0);   // no reads or writes until the tasks ran
        try {
            handshakes.execute(() -> {
                try {
                    for (Runnable t : tasks) t.run();
                } finally {
                    try {
                        loop.execute(() -> handshakeTasksDone(conn));
                    } catch (RejectedExecutionException loopClosed) {
                        // the loop is gone, and the connection with it
                    }
                }
            });
        } catch (RejectedExecutionException full) {
            conn.handshakeTasksRunning = false;
            if (!closed) {
                tlsHandshakesShed++;
                warn(7, "shedding TLS handshakes: " + HANDSHAKE_QUEUE + " are waiting for the handshake thread (a flood of connections?)");
            }
            closeConnection(conn, "TLS handshake shed: handshake queue full");
        }
        return true;
    }

    private void handshakeTasksDone(Connection conn) {
        conn.handshakeTasksRunning = false;
        if (!conn.isOpen() || conn.key == null || !conn.key.isValid()) return;
        conn.key.interestOps(SelectionKey.OP_READ | (conn.writeBlocked() ? SelectionKey.OP_WRITE : 0));
        try {
            conn.resumeTls(cfg.maxFrameBytes(), cfg.maxUnboundFrameBytes());
        } catch (IOException e) {
            failed(conn, e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "unexpected failure on " + conn, e);
            closeConnection(conn, "internal error: " + e);
        }
    }

    private void connectionReady(Connection conn, SelectionKey key) {
        try {
            if (key.isConnectable()) {
                if (!conn.channel().finishConnect()) return;
                key.interestOps(SelectionKey.OP_READ);
                Dialer d = dialers.get(conn.peer());
                if (d == null || d.conn != conn) {
                    closeConnection(conn, "dial withdrawn");
                    return;
                }
                established(d, conn);
            }
            if (conn.isOpen() && key.isValid() && key.isWritable()) conn.flush();
            if (conn.isOpen() && key.isValid() && key.isReadable()) conn.readAndDeliver(cfg.maxFrameBytes(), cfg.maxUnboundFrameBytes());
        } catch (IOException e) {
            failed(conn, e);
        } catch (RuntimeException e) {
            // keep our bookkeeping straight rather than let the loop close the channel behind our back
            LOG.log(Level.WARNING, "unexpected failure on " + conn, e);
            closeConnection(conn, "internal error: " + e);
        }
    }

    void deliver(Connection conn, byte[] frame) {
        framesIn++;
        try {
            handler.onFrame(conn, frame, 0, frame.length);
        } catch (RuntimeException e) {
            handlerFailed(conn, "onFrame", e);
        }
    }

    /** A plaintext dialed connection closed by the peer before it sent a byte: often a peer with TLS on. */
    void closedBeforeAnswering(Connection conn) {
        warn(5, "principal " + conn.peer() + " closed the connection before answering: if it runs with TLS on, turn TLS "
                + "on here too (both ends must agree: tls = on|off, --tls)");
    }

    void badFrame(Connection conn, int len) {
        badFrames++;
        if (len >>> 16 == 0x1603 || len >>> 16 == 0x1503) {   // a TLS handshake or alert record (type 22/21, version 3.x) read as a length prefix
            tlsMismatch++;
            warn(4, "a peer at " + conn.remoteAddress() + " began a TLS handshake, but TLS is off here: both ends must agree (tls = on|off, --tls)");
        }
        closeConnection(conn, "bad frame length " + len);
    }

    private void handlerFailed(Connection conn, String what, RuntimeException e) {
        handlerErrors++;
        LOG.log(Level.WARNING, "frame handler " + what + " threw on " + conn + "; closing it", e);
        closeConnection(conn, "handler failed");
    }

    void countWrite(int n) {
        writeSyscalls++;
        bytesOut += n;
    }

    /** {@code n} plaintext bytes left a connection's queue (written, or wrapped into TLS records). */
    void drained(int n) { queuedBytes -= n; }

    void countBytesIn(int n) { bytesIn += n; }

    void countFrameOut() { framesOut++; }

    // ------------------------------------------------------------------ close

    /** Closes one connection; a dialed one is re-dialed after backoff. Loop thread only. */
    void closeConnection(Connection conn, String reason) {
        loop.requireLoop();
        if (!conn.isOpen()) return;
        queuedBytes -= conn.queuedBytes();
        droppedNoConnection += conn.markClosed();
        if (conn.key != null) conn.key.cancel();
        if (conn.unboundTimer != null) conn.unboundTimer.cancel();
        // Counters first: whoever sees the socket closed (a test, a peer) then sees them counted.
        conns.remove(conn);
        forgetUnbound(conn);
        openConnections--;
        closedCount++;
        try { conn.channel().close(); } catch (IOException ignored) { /* closing anyway */ }
        LOG.log(Level.DEBUG, "{0} closed: {1}", conn, reason);

        int peer = conn.peer();
        if (peer != Connection.UNBOUND && routes.get(peer) == conn) {
            routes.remove(peer);
            Connection next = null;
            for (Connection c : conns) {
                if (c.peer() == peer && c.established && c.routeSeq > 0 && (next == null || c.routeSeq > next.routeSeq)) next = c;
            }
            if (next != null) routes.put(peer, next);
        }
        if (closed) return;
        if (conn.dialed()) {
            Dialer d = dialers.get(peer);
            if (d != null && d.conn == conn) {
                d.conn = null;
                if (!conn.established) {
                    connectFailures++;
                } else if (System.nanoTime() - conn.establishedAtNanos > maxBackoffNanos) {
                    d.backoffNanos = minBackoffNanos;  // it was healthy for a while: retry fast
                }
                scheduleRetry(d);
            }
        }
        // A TLS connection is the layer above's only once its handshake completed.
        if (conn.established && (conn.tls == null || conn.tls.handshakeDone)) {
            try {
                handler.onDisconnected(conn);
            } catch (RuntimeException e) {
                handlerErrors++;
                LOG.log(Level.WARNING, "frame handler onDisconnected threw", e);
            }
        }
    }

    /** Closes every connection and listening socket and stops reconnecting. Idempotent; any thread. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (handshakes != null) handshakes.shutdownNow();
        if (loop.isTerminated()) return;     // the loop closed all our channels on its way out
        try {
            loop.call(() -> { closeAll(); return null; });
        } catch (RejectedExecutionException | IllegalStateException e) {
            // the loop is shutting down; it closes every channel itself
        }
    }

    private void closeAll() {
        if (handshakes != null) handshakes.shutdownNow();
        for (Dialer d : dialers.values()) if (d.retry != null) d.retry.cancel();
        dialers.clear();
        for (Connection c : new ArrayList<>(conns)) closeConnection(c, "transport closed");
        routes.clear();
        for (ServerSocketChannel s : servers) {
            try { s.close(); } catch (IOException ignored) { /* best effort */ }
        }
        servers.clear();
        dirty.clear();
    }

    /** A snapshot of the counters. Any thread. */
    public TransportStats stats() {
        return new TransportStats(framesIn, framesOut, bytesIn, bytesOut, droppedQueueFull, droppedNoConnection,
                badFrames, accepted, rejected, established, closedCount, connectFailures, writeSyscalls,
                handlerErrors, evictedTableFull, evictedPerSource, unboundTimedOut, superseded,
                tlsHandshakes, tlsNotTls, tlsUnpinnedKey, tlsNotAdmitted, tlsHandshakeTimedOut, tlsHandshakeFailed, tlsMismatch,
                tlsHandshakesShed, openConnections, queuedBytes);
    }
}
