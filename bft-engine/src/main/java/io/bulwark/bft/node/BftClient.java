package io.bulwark.bft.node;

import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.core.Action;
import io.bulwark.bft.core.ClientAction;
import io.bulwark.bft.core.ClientCore;
import io.bulwark.bft.crypto.CoProcessorException;
import io.bulwark.bft.net.Connection;
import io.bulwark.bft.net.EventLoop;
import io.bulwark.bft.net.FrameHandler;
import io.bulwark.bft.net.Transport;
import io.bulwark.bft.net.TransportConfig;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The client library (the client half of the paper's Figure 4): {@link #invoke} and
 * {@link #invokeAsync} turn an operation into a BFT request and return the result certified by
 * f+1 matching replies (2f+1 for read-only requests). One request is outstanding at a time
 * (section 4.2); further calls queue in order. Thread-safe; the work runs on an event loop that
 * may be shared by many clients.
 */
public final class BftClient implements AutoCloseable, Invoker {
    /** Calls waiting behind the outstanding one; beyond this {@link #invokeAsync} fails at once. */
    public static final int MAX_QUEUED = 10_000;

    private record Call(byte[] operation, boolean readOnly, CompletableFuture<byte[]> result) {}

    private final int id;
    private final ClusterConfig cluster;
    private final ClientCore core;
    private final Endpoint endpoint;
    private final ChannelGuard guard;
    private final EventLoop loop;
    private final boolean ownLoop;
    private final Transport transport;
    private final TimerSlots timers;
    private final ArrayDeque<Call> queue = new ArrayDeque<>();
    private final List<Action> work = new ArrayList<>();
    private Call current;
    private boolean driving;
    /** Completes once 2f+1 replicas (all n, or 2f+1 after a grace) acknowledged this client's key: requests go out from then on. */
    private final CompletableFuture<Void> quorumConnected = new CompletableFuture<>();
    private volatile int keyAcks;
    /** Replicas (bit j) that acknowledged this client's current key. */
    private volatile long keyAckedBy;
    /** STATUS-QUERYs waiting for their report, by nonce; loop thread only. */
    private final java.util.Map<Long, CompletableFuture<io.bulwark.bft.msg.StatusReport>> statusQueries = new java.util.HashMap<>();
    private final SecureRandom nonces = new SecureRandom();
    private static final System.Logger LOG = System.getLogger(BftClient.class.getName());
    private volatile boolean closed;
    /** Key refresh (loop thread). */
    private io.bulwark.bft.net.Timer refreshTimer;
    private long keyRefreshMs;
    private volatile long keyRefreshes;
    private volatile long view;
    /** Fault injection on what the core sends (a test kit's); {@link OutboundInterceptor#NONE} in a deployment. */
    private final OutboundInterceptor outbound;
    private final InterceptedSender sender;

    private BftClient(KeyMaterial keys, ProtocolConfig cfg, EventLoop loop, boolean ownLoop, OutboundInterceptor outbound) {
        this.id = keys.id();
        this.cluster = keys.config();
        if (!cluster.isClient(id)) throw new IllegalArgumentException("principal " + id + " is not a client of the cluster");
        // Timestamps must grow across restarts of a client with the same identity: start at the clock in µs.
        this.core = new ClientCore(id, cfg, System.currentTimeMillis() * 1000);
        SecureRandom random = new SecureRandom();
        this.endpoint = Endpoint.create(id, cluster, cfg, keys.kexPrivateKey(), keys.coProcessor(), random);
        this.guard = new ChannelGuard(endpoint, random::nextLong);
        this.loop = loop;
        this.ownLoop = ownLoop;
        this.outbound = java.util.Objects.requireNonNull(outbound, "outbound");
        this.transport = new Transport(loop, id, TransportConfig.forNodes(), new Handler(), NodeTls.forKeys(keys));
        this.sender = new InterceptedSender(id, cluster.n(), loop, transport, endpoint, this.outbound);
        this.sender.sendToLastInMulticasts(() -> (int) (view % cluster.n()));
        this.timers = new TimerSlots(loop, kind -> {
            core.timeout(now(), kind);
            drive();
        });
    }

    /** Connects a client with its own event loop. */
    public static BftClient connect(KeyMaterial keys, ProtocolConfig cfg) throws CoProcessorException {
        return connect(keys, cfg, EventLoop.start("bulwark-client-" + keys.id()), true);
    }

    /** Connects a client on a shared event loop (the caller closes the loop). */
    public static BftClient connect(KeyMaterial keys, ProtocolConfig cfg, EventLoop loop) throws CoProcessorException {
        return connect(keys, cfg, loop, false);
    }

    /**
     * Connects a client on a shared event loop whose outgoing traffic passes through {@code outbound}
     * (fault injection by a test kit; see {@link OutboundInterceptor}). The caller closes the loop.
     */
    public static BftClient connect(KeyMaterial keys, ProtocolConfig cfg, EventLoop loop, OutboundInterceptor outbound)
            throws CoProcessorException {
        return connect(new BftClient(keys, cfg, loop, false, outbound));
    }

    private static BftClient connect(KeyMaterial keys, ProtocolConfig cfg, EventLoop loop, boolean own) throws CoProcessorException {
        return connect(new BftClient(keys, cfg, loop, own, OutboundInterceptor.NONE));
    }

    private static BftClient connect(BftClient c) throws CoProcessorException {
        EventLoop loop = c.loop;
        try {
            loop.submit(() -> {
                c.outbound.attached(c.sender.outlet(() -> c.closed));
                c.endpoint.newKeyFrame();
                // Each connection carries the NEW-KEY first (onConnected); requests wait for the replicas' KEY-ACKs.
                c.core.newKey(now(), c.endpoint.newKeyCounter());
                c.drive();
                return null;
            }).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof CoProcessorException x) throw x;
            throw e;
        }
        for (ClusterConfig.Replica r : c.cluster.replicas()) c.transport.dial(r.id(), new InetSocketAddress(r.host(), r.port()));
        c.keyRefresh(java.time.Duration.ofMillis(ReplicaNode.DEFAULT_KEY_REFRESH_MS));
        return c;
    }

    /**
     * T_k for this client (section 4.1; default 15 s, as the replicas'): every period a NEW-KEY with
     * a fresh key for each replica, requests held until the replicas acknowledge it (as at connect).
     * Replicas drop a client key not refreshed within two of their periods. 0: never (the replicas
     * then drop this client's key, and requests fail until it reconnects).
     */
    public void keyRefresh(java.time.Duration period) {
        if (period.isNegative()) throw new IllegalArgumentException("key refresh period must not be negative");
        loop.execute(() -> {
            if (refreshTimer != null) refreshTimer.cancel();
            refreshTimer = null;
            keyRefreshMs = period.toMillis();
            if (keyRefreshMs > 0) refreshTimer = loop.schedule(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(keyRefreshMs), this::refreshKeys);
        });
    }

    private void refreshKeys() {
        refreshTimer = null;
        if (closed || keyRefreshMs <= 0) return;
        try {
            endpoint.refreshKeys();
            core.newKey(now(), endpoint.newKeyCounter());
            byte[] frame = endpoint.newKeyFrame();
            for (ClusterConfig.Replica r : cluster.replicas()) transport.send(r.id(), frame);
            keyRefreshes++;
        } catch (CoProcessorException e) {
            LOG.log(System.Logger.Level.ERROR, "client " + id + ": the co-processor failed; keys are not refreshed", e);
        }
        drive();
        refreshTimer = loop.schedule(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(keyRefreshMs), this::refreshKeys);
    }

    /** NEW-KEYs sent by {@link #keyRefresh} (not counting the one at connect). */
    public long keyRefreshes() { return keyRefreshes; }

    /**
     * Waits until 2f+1 replicas acknowledged this client's current key (KEY-ACK, MAC'd under it): all
     * n, or 2f+1 once a grace of {@code clientRetransmitMs} passed. Only then do requests go out, so
     * that a backup does not get one inside the primary's pre-prepare before it holds the key (issue
     * 15 item 2). False if that did not happen within {@code timeout} ({@link #keyAcks} says how many did).
     */
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        try {
            quorumConnected.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Invokes {@code operation}; the future completes with the certified result. */
    public CompletableFuture<byte[]> invokeAsync(byte[] operation, boolean readOnly) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        if (closed) {
            f.completeExceptionally(new IllegalStateException("client closed"));
            return f;
        }
        Call call = new Call(operation.clone(), readOnly, f);
        loop.execute(() -> {
            if (queue.size() >= MAX_QUEUED) {
                f.completeExceptionally(new IllegalStateException("more than " + MAX_QUEUED + " calls queued"));
                return;
            }
            queue.add(call);
            startNext();
        });
        return f;
    }

    /** Invokes {@code operation} and waits for the certified result. */
    @Override public byte[] invoke(byte[] operation, boolean readOnly, Duration timeout) throws TimeoutException, InterruptedException {
        try {
            return invokeAsync(operation, readOnly).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    private void startNext() {
        if (current != null || queue.isEmpty()) return;
        current = queue.poll();
        try {
            core.invoke(now(), current.operation(), current.readOnly());
        } catch (IllegalArgumentException e) {
            Call failed = current;
            current = null;
            failed.result().completeExceptionally(e);
            startNext();
            return;
        }
        drive();
    }

    private final class Handler implements FrameHandler {
        @Override public void onFrame(Connection conn, byte[] buf, int off, int len) {
            if (!(conn.attachment() instanceof Channel ch)) return;
            ChannelVerdict v = guard.onFrame(ch, buf, off, len);
            if (v instanceof ChannelVerdict.Deliver d) {
                if (d.message() instanceof io.bulwark.bft.msg.StatusReport s) {
                    var f = s.replica() == d.from() ? statusQueries.get(s.nonce()) : null;
                    if (f != null && statusQueries.remove(s.nonce(), f)) f.complete(s);
                    return;
                }
                core.receive(now(), d.from(), d.message());
                drive();
            } else {
                // A bind: our proof is on its way ahead of anything we route to this replica now.
                NodeChannels.apply(transport, conn, v);
            }
        }

        @Override public void onConnected(Connection conn) {
            Channel ch = conn.tlsAuthenticated() ? guard.tlsDialed(conn.peer()) : guard.dialed(conn.peer());
            conn.attach(ch);
            try {
                transport.send(conn, endpoint.newKeyFrame());
            } catch (CoProcessorException e) {
                conn.close();
                return;
            }
            // TLS proved the replica is on it: our NEW-KEY is on its way ahead of anything routed here.
            if (conn.tlsAuthenticated()) NodeChannels.apply(transport, conn, guard.tlsRoute(ch));
        }
    }

    /** Performs the core's actions until it has nothing more to say; re-entrant calls join the running loop. */
    private void drive() {
        if (driving) return;
        driving = true;
        try {
            core.drainTo(work);
            for (int i = 0; i < work.size(); i++) {
                perform(work.get(i));
                core.drainTo(work);
            }
        } finally {
            work.clear();
            driving = false;
        }
        keyAcks = core.keyAcks();
        keyAckedBy = core.keyAckedBy();
        if (core.keyReady() && !quorumConnected.isDone()) quorumConnected.complete(null);
    }

    private void perform(Action a) {
        if (a instanceof Action.Send s) {
            sender.send(s.to(), s.message());
        } else if (a instanceof Action.Multicast m) {
            sender.send(OutboundInterceptor.MULTICAST, m.message());
        } else if (a instanceof Action.SetTimer t) {
            timers.set(t.kind(), t.deadline(), now());
        } else if (a instanceof ClientAction.SendNewKey k) {
            try {
                transport.send(k.replica(), endpoint.newKeyFrame());
            } catch (CoProcessorException e) {
                // the key was signed at connect; a retransmission signs nothing
            }
        } else if (a instanceof ClientAction.Complete c) {
            Call done = current;
            current = null;
            timers.cancelAll();
            view = core.view();   // already includes the view f+1 replies of this certificate vouched for
            done.result().complete(c.result());
            startNext();
        } else {
            throw new IllegalStateException("a client cannot perform " + a);
        }
    }

    private static long now() { return System.currentTimeMillis(); }

    public int id() { return id; }

    /** How many replicas acknowledged this client's current key (KEY-ACK). */
    public int keyAcks() { return keyAcks; }

    /** Whether replica {@code replica} acknowledged this client's current key (KEY-ACK). */
    public boolean keyAckedBy(int replica) { return replica >= 0 && replica < 64 && (keyAckedBy & (1L << replica)) != 0; }

    /**
     * Asks replica {@code replica} for its STATUS-REPORT (an operator's tool: {@code bulwark status}).
     * The future completes with the report, or fails after {@code timeout}; ask a replica that
     * acknowledged this client's key ({@link #keyAckedBy}), or the question may not reach it.
     */
    public CompletableFuture<io.bulwark.bft.msg.StatusReport> status(int replica, Duration timeout) {
        if (!cluster.isReplica(replica)) throw new IllegalArgumentException("principal " + replica + " is not a replica");
        CompletableFuture<io.bulwark.bft.msg.StatusReport> f = new CompletableFuture<>();
        loop.execute(() -> {
            long nonce = nonces.nextLong();
            statusQueries.put(nonce, f);
            sender.send(replica, new io.bulwark.bft.msg.StatusQuery(id, nonce));
            loop.schedule(timeout.toNanos(), () -> {
                if (statusQueries.remove(nonce, f)) f.completeExceptionally(new TimeoutException("replica " + replica + " sent no status within " + timeout));
            });
        });
        return f;
    }

    /** This principal's current NEW-KEY frame: public by design (every replica receives it; tests replay it as an attacker would). */
    public byte[] newKeyFrame() {
        return loop.submit(() -> endpoint.newKeyFrame().clone()).join();
    }

    /** The binding counters of this client's connections, read on the loop. */
    public String channelCounters() { return loop.submit(() -> guard.counters().toString()).join(); }

    /**
     * The view this client believes current: the highest view that f+1 replies of one of its
     * reply certificates carried (section 4.2). Updated before a call's future completes, so a
     * completion callback reads the view of the certificate that completed it (or a later one).
     */
    @Override public long view() { return view; }

    @Override public void close() {
        closed = true;
        try {
            loop.submit(() -> {
                timers.cancelAll();
                if (refreshTimer != null) refreshTimer.cancel();
                if (current != null) current.result().completeExceptionally(new IllegalStateException("client closed"));
                for (Call c : queue) c.result().completeExceptionally(new IllegalStateException("client closed"));
                queue.clear();
                return null;
            }).join();
        } catch (RuntimeException ignored) {
            // loop already closed
        }
        transport.close();
        if (ownLoop) loop.close();
    }
}
