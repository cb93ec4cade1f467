package io.bulwark.bft.node;

import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.core.Action;
import io.bulwark.bft.core.ReplicaAction;
import io.bulwark.bft.core.Replica;
import io.bulwark.bft.core.TimerKind;
import io.bulwark.bft.crypto.CoProcessor;
import io.bulwark.bft.crypto.CoProcessorException;
import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.crypto.SignedCounter;
import io.bulwark.bft.durable.DataDir;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.RejectReason;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.net.Connection;
import io.bulwark.bft.net.EventLoop;
import io.bulwark.bft.net.FrameHandler;
import io.bulwark.bft.net.Transport;
import io.bulwark.bft.net.TransportConfig;
import io.bulwark.bft.service.Service;
import io.bulwark.bft.state.PageStore;
import io.bulwark.bft.state.ReplicatedState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A replica process's runtime: wires the pure {@link Replica} core to the authenticated endpoint,
 * the TCP transport, timers and the service, all on one event-loop thread (no hand-off per
 * message). Replica i dials every replica j &lt; i and accepts the others; clients dial in. A
 * connection is bound to a principal only by proof (TLS, or a BIND-PROOF). With peer addresses in
 * cluster.conf (issue 15), replicas dial each other's peer listener, which admits only replicas, and
 * the client listener admits only clients; each listener has its own connection table.
 */
public final class ReplicaNode implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ReplicaNode.class.getName());

    private final int id;
    private final ClusterConfig cluster;
    private final ProtocolConfig cfg;
    private final Replica core;
    /** Signs the recovery request (section 4.4); the same co-processor as the NEW-KEYs' (its counter shared). */
    private final CoProcessor coProcessor;
    private final ReplicatedState state;
    private final Service service;
    private final Endpoint endpoint;
    private final ChannelGuard guard;
    private final EventLoop loop;
    /** The clients' listener; without peer addresses in cluster.conf also the replicas' (one shared port, as before issue 15). */
    private final Transport transport;
    /**
     * Replica traffic (issue 15): its own listener, which admits only the configured replicas, and the
     * dials to the other replicas' peer addresses; its own connection table and limits, so a flood of
     * the client port never refuses or evicts a replica. The same object as {@link #transport} without peer addresses.
     */
    private final Transport peerTransport;
    private final TimerSlots timers;
    private volatile int peerPort;
    private final List<Action> work = new ArrayList<>();
    private volatile long executedRequests;

    // ---- execution, off the event loop ----
    /**
     * The stack of the execution thread, fixed here and not taken from the host's -Xss default: the
     * service's deterministic depth limits (the store's codec and validation depths) are set far
     * below it, so how deep a request may nest is decided by those limits, not by this JVM's stack.
     */
    public static final long EXECUTION_STACK_BYTES = 16L << 20;
    /** Messages held back while an execution runs, at most (more are dropped: the protocol retransmits). */
    static final int MAX_HELD_BACK = 16_384;
    /**
     * Runs the service's operations, one at a time, off the event loop: while one runs, the replica
     * still answers the network and fires its timers. The core allows one execution at a time.
     */
    private final ExecutorService executor;
    /** An execution runs on the executor; loop thread only. While it does, the executor owns the partition tree. */
    private boolean executing;
    /**
     * Messages whose handling reads or changes the partition tree (CHECKPOINT: a stable checkpoint
     * discards older copies; FETCH, META-DATA, DATA: state transfer), held while the executor writes
     * the pages and handled in arrival order once it is done; loop thread only.
     */
    private final java.util.ArrayDeque<ChannelVerdict.Deliver> heldBack = new java.util.ArrayDeque<>();
    private volatile long heldBackDropped, failedExecutions;
    /** Fault injection on what the core sends (a test kit's); {@link OutboundInterceptor#NONE} in a deployment. */
    private final OutboundInterceptor outbound;
    private final InterceptedSender sender;
    /** When the running state transfer began ({@link System#nanoTime}, wall clock), or -1; loop thread only. */
    private long transferStartNanos = -1, transferStartMillis, transferStartLoopCpu, transferStartProcessCpu;
    /** The core's pages-transferred total when the last transfer completed; loop thread only. */
    private long pagesReported;
    private volatile String lastTransfer;

    // ---- the saved state (--data-dir), see PageStore ----
    /**
     * Pages one save round copies on the event loop at most (16 MiB): the copy (and the scan for
     * changed tuples) is the loop's stall, measured on a 1 GiB state on this shared machine at
     * 6–145 ms for 1,000 changed pages, 64–140 ms for a 4,096-page round and 86–564 ms for 16,384
     * (GC included). A larger change is saved over several rounds, each started when the last is written.
     */
    static final int SAVE_MAX_PAGES = 4_096;
    private final PageStore store;
    /** Writes snapshots off the event loop, one at a time; null without a data dir. */
    private final ExecutorService writer;
    /** A snapshot is being written; loop thread only. */
    private boolean saving;
    /** The checkpoint the data dir's header names (-1: none). */
    private volatile long savedCheckpoint = -1;
    /** What loading the data dir found, for the log and tests (null: nothing was loaded). */
    private final String loadReport;
    /** This process's lock on the data dir and its checked identity (null without a data dir); released by {@link #close}. */
    private final DataDir claim;

    // ---- the journal (issue 12): the core's Persist entries, synced before the sends after them ----
    /** Null when not durable (no data dir, or turned off). */
    private final DurableLog log;
    /** Sends waiting for the fsync of the entries journaled before them, in order; loop thread only. */
    private final java.util.ArrayDeque<HeldSend> awaitingSync = new java.util.ArrayDeque<>();
    private record HeldSend(Action action, long ticket) {}
    /** Group commits started, and the last one known durable; the current drive's, once it journaled something (0: none). */
    private long syncsStarted, syncsDone, driveTicket;
    /** The group commit that makes the last entry that gates PREPAREs durable ({@link io.bulwark.bft.core.LogEntry#gatesPrepares}). */
    private long gateTicket;
    /**
     * Entries written that no group commit covers yet and nothing sent waits for (committed records,
     * {@link io.bulwark.bft.core.LogEntry#syncAtOnce}): the next commit covers them, and one starts for
     * them alone {@link io.bulwark.bft.core.LogEntry#RIDING_SYNC_AFTER_MS} after the first was written.
     */
    private boolean entriesRiding;
    private long ridingEpisode;
    private volatile boolean journalFailed;
    /** The stop record is journaled ({@link #close}): nothing more is sent; loop thread only. */
    private boolean stopRecorded;
    /** What was moved out of a journal damaged in the middle at this start (see {@link io.bulwark.bft.durable.Journal#quarantine}), or null. */
    private final String journalDamage;
    /** Started with no journal to replay: run estimation (section 4.4) before voting. */
    private final boolean recoverAtStart;
    private final long replayedAtStart;

    // ---- key refresh (section 4.1) ----
    public static final long DEFAULT_KEY_REFRESH_MS = 15_000;
    static final String NEW_KEY_COUNTERS_FILE = io.bulwark.bft.durable.NewKeyCounters.FILE;
    private final long keyRefreshMs;
    /** When each client's key was last installed here (loop thread): a key older than 2 T_k is dropped. */
    private final java.util.Map<Integer, Long> clientKeyAt = new java.util.HashMap<>();
    private final Path countersFile;
    /** The data dir's tally of completed recoveries (null without a data dir), and its count when this process started. */
    private final Path recoveryTallyFile;
    private final long recoveriesBefore;
    private java.util.Map<Integer, Long> countersSaved = java.util.Map.of();
    private volatile long keyRefreshes, clientKeysDropped;
    private volatile long journalEntries, journalSyncs, sendsHeld;

    /** A replica that saves nothing, with the default transport and no interceptor; see {@link #builder} for the rest. */
    public ReplicaNode(KeyMaterial keys, ProtocolConfig cfg, Service service, int pages) {
        this(builder(keys, cfg, service, pages));
    }

    /** A replica of principal {@code keys.id()} running {@code service} on {@code pages} pages of state. */
    public static Builder builder(KeyMaterial keys, ProtocolConfig cfg, Service service, int pages) {
        return new Builder(keys, cfg, service, pages);
    }

    /** The optional parts of a replica; {@link #build} constructs it (not started). */
    public static final class Builder {
        private final KeyMaterial keys;
        private final ProtocolConfig cfg;
        private final Service service;
        private final int pages;
        private Path dataDir;
        private TransportConfig transportConfig = TransportConfig.forNodes();
        private OutboundInterceptor outbound = OutboundInterceptor.NONE;
        private boolean durable = true;
        private long keyRefreshMs = DEFAULT_KEY_REFRESH_MS;
        private boolean recoverAtStart = true;
        private long recoveryAlertMs;

        private Builder(KeyMaterial keys, ProtocolConfig cfg, Service service, int pages) {
            this.keys = java.util.Objects.requireNonNull(keys, "keys");
            this.cfg = java.util.Objects.requireNonNull(cfg, "cfg");
            this.service = java.util.Objects.requireNonNull(service, "service");
            this.pages = pages;
        }

        /**
         * Saves the state into {@code dataDir} (null: saves nothing, the default) at stable
         * checkpoints, and starts from what is saved there. A saved state is checked page by page
         * first: if every page matches its digest and the root is the one recorded at save, the
         * replica starts at that checkpoint; otherwise it starts there marked corrupt, executes
         * nothing, and fetches the pages that differ by state transfer once f+1 other replicas vouch
         * for a later checkpoint (see {@link Replica#restore}). A data dir that cannot be read, or
         * holds a state of another size, fails {@link #build} with the reason.
         */
        public Builder dataDir(Path dataDir) { this.dataDir = dataDir; return this; }

        /**
         * With a data dir, journal the protocol's votes and views before the messages that depend on
         * them leave (issue 12; the default). Off: only checkpoints are saved, and a restarted replica
         * has forgotten what it said since (for comparison in benchmarks).
         */
        public Builder durable(boolean durable) { this.durable = durable; return this; }

        /**
         * T_k (section 4.1): every period this replica sends a NEW-KEY with fresh keys for the messages
         * other replicas send it, and drops the keys of clients that did not refresh theirs within two
         * periods. 0 turns refreshing off. Default 15 s.
         */
        public Builder keyRefresh(java.time.Duration period) {
            if (period.isNegative()) throw new IllegalArgumentException("key refresh period must not be negative");
            this.keyRefreshMs = period.toMillis();
            return this;
        }

        /**
         * Whether starting is recovering (section 4.4; the default): estimation, the recovery request,
         * recovered once the checkpoint at the recovery point is stable. Off: the replica only
         * estimates H_M when it has no journal to replay (as before proactive recovery; tests and the
         * benchmarks' baseline).
         */
        public Builder recoverAtStart(boolean recover) { this.recoverAtStart = recover; return this; }

        /** How long a recovery (its own or another replica's) may take before a WARN line and a counter say so. */
        public Builder recoveryAlert(java.time.Duration after) {
            if (after.isNegative() || after.isZero()) throw new IllegalArgumentException("recovery alert bound must be positive");
            this.recoveryAlertMs = after.toMillis();
            return this;
        }

        /** The transport's limits (default {@link TransportConfig#forNodes()}; tests: a small connection table, a short deadline to authenticate). */
        public Builder transport(TransportConfig transportConfig) {
            this.transportConfig = java.util.Objects.requireNonNull(transportConfig, "transportConfig");
            return this;
        }

        /** An interceptor on what the core sends (default {@link OutboundInterceptor#NONE}): fault injection by a test kit. */
        public Builder outbound(OutboundInterceptor outbound) {
            this.outbound = java.util.Objects.requireNonNull(outbound, "outbound");
            return this;
        }

        public ReplicaNode build() { return new ReplicaNode(this); }
    }

    private ReplicaNode(Builder b) {
        KeyMaterial keys = b.keys;
        ProtocolConfig cfg = b.cfg;
        Service service = b.service;
        int pages = b.pages;
        Path dataDir = b.dataDir;
        TransportConfig transportConfig = b.transportConfig;
        this.outbound = b.outbound;
        this.id = keys.id();
        this.cluster = keys.config();
        if (!cluster.isReplica(id)) throw new IllegalArgumentException("principal " + id + " is not a replica of the cluster");
        if (cfg.f() != cluster.f()) throw new IllegalArgumentException("protocol f=" + cfg.f() + " but the cluster has f=" + cluster.f());
        this.cfg = cfg;
        // Every replica sizes the client table from the same configuration, so the trees agree.
        int maxClients = Math.max(1, cluster.clients().size());
        PageStore.Loaded loaded = null;
        BitSet bad = null;
        boolean damaged = false;
        String report = null;
        DataDir claimed = null;
        java.util.Map<Integer, Long> savedCounters = java.util.Map.of();
        try {
            String recovered = null;
            if (dataDir != null) {
                // Before anything in it is read: one process per data dir, and only this cluster's and this replica's.
                claimed = DataDir.open(dataDir, cluster, id);
                savedCounters = io.bulwark.bft.durable.NewKeyCounters.read(dataDir.resolve(NEW_KEY_COUNTERS_FILE), cluster.principalCount());
                recovered = PageStore.recover(dataDir);   // a save cut short is finished or discarded, never half-trusted
            }
            if (recovered != null) report = recovered;
            if (dataDir != null && PageStore.exists(dataDir)) {
                long t0 = System.nanoTime();
                loaded = PageStore.load(dataDir, ReplicatedState.totalPages(pages, maxClients));
                bad = loaded.tree().check();
                // A page last modified after the saved checkpoint (or before time began) cannot be right.
                for (int p = 0; p < loaded.tree().pageCount(); p++)
                    if (loaded.diskLm()[p] < 0 || loaded.diskLm()[p] > loaded.seq()) bad.set(p);
                damaged = !bad.isEmpty() || !loaded.rootMatches();
                report = (report == null ? "" : report + "; ") + String.format(java.util.Locale.ROOT, "loaded the saved state of checkpoint %d from %s in %.0f ms: %d pages, %d corrupt %s, root %s%s",
                        loaded.seq(), dataDir, (System.nanoTime() - t0) / 1e6, loaded.tree().pageCount(), bad.cardinality(),
                        firstPages(bad, 20), loaded.rootMatches() ? "as recorded" : "NOT as recorded (damaged tuples or a damaged redo log)",
                        damaged ? "; the replica executes nothing until a state transfer repairs it" : "");
            }
            this.store = dataDir == null ? null : PageStore.open(dataDir, ReplicatedState.totalPages(pages, maxClients), loaded, bad);
        } catch (IOException e) {
            if (claimed != null) {
                try {
                    claimed.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new UncheckedIOException("replica " + id + ": data dir " + dataDir + ": " + e.getMessage(), e);
        }
        this.claim = claimed;
        if (loaded != null && !damaged) savedCheckpoint = loaded.seq();
        this.writer = store == null ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bulwark-replica-" + id + "-saver");
            t.setDaemon(true);
            return t;
        });
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(null, r, "bulwark-replica-" + id + "-execute", EXECUTION_STACK_BYTES);
            t.setDaemon(true);
            return t;
        });
        this.state = new ReplicatedState(pages, maxClients, loaded == null ? null : loaded.tree());
        this.core = new Replica(id, cfg, state);
        if (loaded != null) core.restore(loaded.seq(), damaged);
        DurableLog opened = null;
        long replayed = 0;
        String damagedJournal = null;
        if (dataDir != null && b.durable) {
            long t0 = System.nanoTime();
            try {
                try {
                    opened = DurableLog.open(dataDir, cfg);
                } catch (io.bulwark.bft.durable.JournalCorruptException damage) {
                    // Issue 12 item 1: a damaged middle is never replayed. What precedes it is kept and
                    // replayed; the rest goes aside, and this replica recovers (below): its state is
                    // checked and fetched, and it holds back above H_M (section 4.4).
                    io.bulwark.bft.durable.JournalDamage moved = io.bulwark.bft.durable.Journal.quarantine(dataDir.resolve(DurableLog.DIR), damage,
                            dataDir.resolve(DurableLog.DIR + "-damaged-" + System.currentTimeMillis()));
                    damagedJournal = moved.describe();
                    opened = DurableLog.open(dataDir, cfg);
                }
                replayed = opened.replayInto(core, now());
                var torn = opened.journal().tornTail();
                report = (report == null ? "" : report + "; ") + String.format(java.util.Locale.ROOT,
                        "replayed %d journal entries in %.0f ms: view %d%s, executing from %d%s", replayed, (System.nanoTime() - t0) / 1e6,
                        core.view(), core.viewActive() ? "" : " (changing)", core.lastExecuted(), torn == null ? "" : "; " + torn.describe());
            } catch (IOException e) {
                if (opened != null) {
                    try { opened.close(); } catch (IOException suppressed) { e.addSuppressed(suppressed); }
                }
                try { claim.close(); } catch (IOException suppressed) { e.addSuppressed(suppressed); }
                executor.shutdownNow();
                if (writer != null) writer.shutdownNow();
                throw new UncheckedIOException("replica " + id + ": the journal in " + dataDir.resolve(DurableLog.DIR) + " cannot be used: "
                        + e.getMessage() + " (restore the data dir from a backup, or move it aside and restart the replica empty"
                        + " to fetch the state from the others)", e);
            }
        }
        this.log = opened;
        core.journaled(log != null);
        // Restart is recovery (section 4.4): with its journal replayed or with nothing to replay (a new
        // or wiped disk: it may have voted and forgotten), it estimates H_M, holds back above it, sends
        // its recovery request and is recovered once the checkpoint at its recovery point is stable.
        // A first start (nothing saved, nothing journaled) has nothing to recover from, and all n
        // replicas of a new group recovering at once would only trade keys n(n-1) times: it estimates
        // H_M (it may be a replaced disk) but sends no recovery request.
        // A journal damaged in the middle lost records of messages this replica may have sent: it recovers
        // whatever the builder says, and counts as faulty until it has (as a compromised replica does in
        // the paper; with an intact journal a restart does not count against f).
        this.recoverAtStart = (b.recoverAtStart && (loaded != null || replayed > 0)) || damagedJournal != null;
        this.journalDamage = damagedJournal;
        if (b.recoveryAlertMs > 0) core.recoveryAlertAfter(b.recoveryAlertMs);
        // Section 4.4: a recovery request counts only with its replica's co-processor signature, checked
        // under the signing keys of cluster.conf (the ones that check NEW-KEYs).
        byte[][] signers = new byte[cluster.n()][];
        for (int j = 0; j < signers.length; j++) signers[j] = cluster.replica(j).keys().signing();
        core.coProcessorKeys(signers);
        this.coProcessor = keys.coProcessor();
        this.replayedAtStart = replayed;
        this.loadReport = report;
        this.service = service;
        service.init(state.service());
        SecureRandom random = new SecureRandom();
        this.endpoint = Endpoint.create(id, cluster, cfg, keys.kexPrivateKey(), keys.coProcessor(), random);
        this.guard = new ChannelGuard(endpoint, random::nextLong);
        // A client's new key: its requests that waited for it in a parked pre-prepare are checked again.
        endpoint.onClientKey(client -> {
            clientKeyAt.put(client, now());
            core.clientKeyChanged(now(), client, endpoint::authenticates);
            drive();
        });
        this.keyRefreshMs = b.keyRefreshMs;
        this.countersFile = dataDir == null ? null : dataDir.resolve(NEW_KEY_COUNTERS_FILE);
        this.recoveryTallyFile = dataDir == null ? null : dataDir.resolve(io.bulwark.bft.durable.RecoveryTally.FILE);
        this.recoveriesBefore = readRecoveryTally(recoveryTallyFile, id);
        endpoint.restoreNewKeyCounters(savedCounters);
        this.countersSaved = java.util.Map.copyOf(savedCounters);
        this.loop = EventLoop.start("bulwark-replica-" + id, false);
        if (cluster.separatePeerTraffic()) {
            this.peerTransport = new Transport(loop, id, transportConfig, new Handler(Admission.REPLICAS), NodeTls.forKeys(keys, Admission.REPLICAS));
            this.transport = new Transport(loop, id, transportConfig, new Handler(Admission.CLIENTS), NodeTls.forKeys(keys, Admission.CLIENTS));
        } else {
            this.transport = new Transport(loop, id, transportConfig, new Handler(Admission.ALL), NodeTls.forKeys(keys));
            this.peerTransport = transport;
        }
        this.sender = new InterceptedSender(id, cluster.n(), loop, peerTransport, transport, endpoint, outbound);
        this.timers = new TimerSlots(loop, kind -> {
            core.timeout(now(), kind);
            drive();
        });
    }

    /**
     * Listens on this replica's configured addresses (for clients, and for replicas if it has a peer
     * address) and connects to the other replicas. Returns the bound client port.
     */
    public int start() throws CoProcessorException {
        return start(new InetSocketAddress(cluster.replica(id).host(), cluster.replica(id).port()));
    }

    /** As {@link #start()}, with the clients' listener on {@code listen}. */
    public int start(InetSocketAddress listen) throws CoProcessorException {
        try {
            long t0 = System.nanoTime();
            loop.submit(() -> { endpoint.newKeyFrame(); return null; }).join();
            // Section 4.4: the first step of a recovery; `bench recovery` reads this line.
            LOG.log(System.Logger.Level.INFO, String.format(java.util.Locale.ROOT, "replica %d: new key made in %.3f ms", id, (System.nanoTime() - t0) / 1e6));
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof CoProcessorException c) throw c;
            throw e;
        }
        loop.submit(() -> { outbound.attached(sender.outlet(() -> false)); return null; }).join();
        int port = transport.listen(listen);
        ClusterConfig.Replica me = cluster.replica(id);
        if (peerTransport != transport) {
            peerPort = peerTransport.listen(new InetSocketAddress(me.peerHost(), me.peerPort()));
        } else {
            peerPort = port;
            LOG.log(System.Logger.Level.INFO, "replica {0}: replica traffic shares the client port {1} (cluster.conf gives no peer= addresses; "
                    + "a flood of that port also reaches the replicas'' connections)", id, String.valueOf(port));
        }
        for (int j = 0; j < id; j++) {
            ClusterConfig.Replica r = cluster.replica(j);
            peerTransport.dial(j, new InetSocketAddress(r.replicaHost(), r.replicaPort()));
        }
        long nonce = new SecureRandom().nextLong();
        loop.execute(() -> {
            core.start(now());
            // The recovery request is signed once H_M is known (ReplicaAction.SignRecovery).
            if (recoverAtStart) core.recover(now(), nonce);
            else if (replayedAtStart == 0) core.estimate(now(), nonce);
            drive();
        });
        if (keyRefreshMs > 0) loop.schedule(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(keyRefreshMs), this::refreshKeys);
        if (loadReport != null) LOG.log(System.Logger.Level.INFO, "replica {0}: {1}", id, loadReport);
        if (journalDamage != null)
            LOG.log(System.Logger.Level.WARNING, "replica {0}: {1}; replayed the records before it and recovers (section 4.4):"
                    + " until its recovery completes it counts as faulty, as its lost records may be messages it sent", id, journalDamage);
        LOG.log(System.Logger.Level.INFO, "replica {0} listening on port {1}{2}", id, String.valueOf(port),
                peerTransport != transport ? " for clients and on port " + peerPort + " for replicas" : "");
        return port;
    }

    private static long now() { return System.currentTimeMillis(); }

    /** The port replicas reach this one on once started (its peer port, or the shared one); 0 before. */
    public int peerPort() { return peerPort; }

    /** Frames of one listener's connections (and, for the peer transport, of the dialed ones). */
    private final class Handler implements FrameHandler {
        private final Admission admission;

        Handler(Admission admission) { this.admission = admission; }

        /** Its transport (the fields are set once both handlers exist). */
        private Transport transport() { return admission == Admission.CLIENTS ? transport : peerTransport; }

        @Override public void onFrame(Connection conn, byte[] buf, int off, int len) {
            if (!(conn.attachment() instanceof Channel ch)) return;
            ChannelVerdict v = guard.onFrame(ch, buf, off, len);
            if (v instanceof ChannelVerdict.Deliver d) {
                if (d.message() instanceof io.bulwark.bft.msg.StatusQuery q) {
                    // An operator's question (bulwark status): answered by the runtime, the core is not involved.
                    if (q.client() == d.from()) sender.send(q.client(), statusReport(q));
                    return;
                }
                if (executing && touchesState(d.message())) {
                    if (heldBack.size() < MAX_HELD_BACK) heldBack.add(d);
                    else heldBackDropped++;
                    return;
                }
                core.receive(now(), d.from(), d.message(), d.unverified());
                drive();
            } else {
                NodeChannels.apply(transport(), conn, v);
            }
        }

        /**
         * Nobody is on an accepted connection until it answers this challenge, or TLS proved who is
         * (issue 20); only the principals this listener admits (issue 15).
         */
        @Override public void onAccepted(Connection conn) {
            if (conn.tlsAuthenticated()) {
                Channel ch = guard.tlsAccepted(conn.peer(), admission);
                if (ch == null) conn.close();   // counted; the trust manager refuses such a key before this
                else conn.attach(ch);
                return;
            }
            Channel ch = guard.accepted(admission);
            conn.attach(ch);
            transport().send(conn, guard.challengeFrame(ch));
        }

        @Override public void onConnected(Connection conn) {
            Channel ch = conn.tlsAuthenticated() ? guard.tlsDialed(conn.peer()) : guard.dialed(conn.peer());
            conn.attach(ch);
            sendNewKey(transport(), conn);
            if (conn.tlsAuthenticated()) NodeChannels.apply(transport(), conn, guard.tlsRoute(ch));
        }
    }

    private void sendNewKey(Transport transport, Connection conn) {
        try {
            transport.send(conn, endpoint.newKeyFrame());
        } catch (CoProcessorException e) {
            LOG.log(System.Logger.Level.ERROR, "co-processor failed; cannot authenticate keys", e);
        }
    }

    /** Performs the core's actions until it has nothing more to say. */
    private void drive() {
        if (transferStartNanos < 0 && core.transferring()) {
            transferStartNanos = System.nanoTime();
            transferStartMillis = now();
            transferStartLoopCpu = loopCpuNanos();
            transferStartProcessCpu = processCpuNanos();
        }
        core.drainTo(work);
        for (int i = 0; i < work.size(); i++) {
            perform(work.get(i));
            core.drainTo(work);
        }
        work.clear();
        // View changes (from, to, why), new views, quarantines, corrupt states and transfers: one line each.
        for (io.bulwark.bft.core.Notice n : core.drainNotices()) {
            LOG.log(n.warning() != null ? System.Logger.Level.WARNING : System.Logger.Level.INFO, "replica {0}: {1}", id, n.line());
            if (n instanceof io.bulwark.bft.core.Notice.RecoveryCompleted) saveRecoveryTally();
        }
        if (driveTicket != 0) syncJournal();
        maybeSave();
    }

    /**
     * Group commit: one fsync, on the journal's thread, covers every entry this drive (and any other
     * since the last) journaled; the sends after them wait for it, the loop does not. A journal that
     * fails to write or sync makes the replica fail-stop: what waits is never sent.
     */
    private void syncJournal() {
        long ticket = driveTicket;
        driveTicket = 0;
        entriesRiding = false;   // a commit covers every entry written before it
        journalSyncs++;
        log.commit().durable().whenComplete((ok, error) -> {
            try {
                loop.execute(() -> synced(ticket, error));
            } catch (RuntimeException closed) {
                // the replica is stopping
            }
        });
    }

    private void synced(long ticket, Throwable error) {
        if (error != null) {
            if (!journalFailed) LOG.log(System.Logger.Level.ERROR, "replica " + id + ": the journal failed; this replica sends nothing more (fail-stop) until restarted", error);
            journalFailed = true;
            awaitingSync.clear();   // never sent; and nothing queues behind them (perform drops sends now)
            return;
        }
        syncsDone = Math.max(syncsDone, ticket);
        while (!awaitingSync.isEmpty() && awaitingSync.peek().ticket() <= syncsDone) send(awaitingSync.poll().action());
    }

    /** Committed records that rode on no group commit for {@link io.bulwark.bft.core.LogEntry#RIDING_SYNC_AFTER_MS}: one for them now. */
    private void syncRiding(long episode) {
        if (!entriesRiding || ridingEpisode != episode || journalFailed) return;   // covered since, or riding again from later
        driveTicket = ++syncsStarted;
        syncJournal();
    }

    /**
     * At a stable checkpoint not saved yet (and no save running): copies the pages changed since the
     * last save, on the loop while the checkpoint is retained, and writes them on the saver thread.
     * The copy is the only stall of the loop, logged with the write's duration.
     */
    private void maybeSave() {
        if (store == null || saving || executing || core.transferring() || core.corrupt()) return;
        long s = core.stableSeq();
        if (s <= store.headerSeq() || !state.tree().holds(s)) return;
        long t0 = System.nanoTime();
        PageStore.Snapshot snap = store.snapshot(state.tree(), s, SAVE_MAX_PAGES);
        long stall = System.nanoTime() - t0;
        saving = true;
        writer.execute(() -> {
            long w0 = System.nanoTime();
            IOException failed = null;
            try {
                snap.write();
            } catch (IOException e) {
                failed = e;
            }
            long written = System.nanoTime() - w0;
            IOException error = failed;
            try {
                loop.execute(() -> saved(snap, stall, written, error));
            } catch (RuntimeException closed) {
                // The replica is stopping: the write itself completed (or failed) above.
            }
        });
    }

    private static String firstPages(BitSet pages, int limit) {
        String listed = pages.stream().limit(limit).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(", ", "[", "]"));
        return pages.cardinality() > limit ? listed + " and " + (pages.cardinality() - limit) + " more" : listed;
    }

    private void saved(PageStore.Snapshot snap, long stallNanos, long writeNanos, IOException error) {
        saving = false;
        if (error != null) {
            store.forget();   // nothing on disk is trusted now: the next save writes every page
            LOG.log(System.Logger.Level.ERROR, "replica " + id + ": saving checkpoint " + snap.seq() + " failed", error);
            return;
        }
        if (snap.complete()) savedCheckpoint = snap.seq();
        // The journal keeps what a restart from the saved checkpoint needs: once that is the low
        // water mark, an image of the log above it replaces the older segments.
        if (log != null && snap.complete() && snap.seq() == core.lowWaterMark() && !journalFailed) log.compact(core.logImage());
        LOG.log(System.Logger.Level.INFO, String.format(java.util.Locale.ROOT,
                "replica %d: saved %d changed pages (%.1f MiB) of checkpoint %d%s: %.1f ms copying on the event loop, %.1f ms writing",
                id, snap.pages().length, snap.bytes() / (double) (1 << 20), snap.seq(), snap.complete() ? "" : " (part; more follow)",
                stallNanos / 1e6, writeNanos / 1e6));
        maybeSave();
    }

    private void perform(Action a) {
        if (a instanceof ReplicaAction.Persist p) {
            if (log == null) return;
            log.append(p.entry());
            journalEntries++;
            if (p.entry().syncAtOnce()) {
                if (driveTicket == 0) driveTicket = ++syncsStarted;
                if (p.entry().gatesPrepares()) gateTicket = driveTicket;
            } else if (!entriesRiding) {
                entriesRiding = true;
                long episode = ++ridingEpisode;
                loop.schedule(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(io.bulwark.bft.core.LogEntry.RIDING_SYNC_AFTER_MS), () -> syncRiding(episode));
            }
        } else if (a instanceof Action.Send || a instanceof Action.Multicast) {
            if (journalFailed) return;   // fail-stop: what it would say may depend on entries that are not durable
            if (stopRecorded) return;    // stopping: the journal's stop record promised nothing more leaves
            if (ReplicaAction.waitsOnlyForGates(a)) {
                // A vote (PREPARE, PRE-PREPARE) waits for its view's entries and its reservation, not for its own pre-prepared record.
                if (gateTicket <= syncsDone) {
                    send(a);
                } else {
                    awaitingSync.add(new HeldSend(a, gateTicket));
                    sendsHeld++;
                }
                return;
            }
            // A message after a riding entry (a CHECKPOINT after its batches' committed records) waits for it too.
            if (entriesRiding && driveTicket == 0 && ReplicaAction.waitsForJournal(a)) driveTicket = ++syncsStarted;
            // The Persist contract: a vote after a journaled entry (this drive's, or one still syncing), in order.
            if ((driveTicket != 0 || !awaitingSync.isEmpty()) && ReplicaAction.waitsForJournal(a)) {
                awaitingSync.add(new HeldSend(a, driveTicket != 0 ? driveTicket : syncsStarted));
                sendsHeld++;
            } else {
                send(a);
            }
        } else if (a instanceof Action.SetTimer t) {
            timers.set(t.kind(), t.deadline(), now());
        } else if (a instanceof ReplicaAction.Execute e) {
            executeOffLoop(() -> {
                List<byte[]> results = new ArrayList<>(e.requests().size());
                for (Request r : e.requests()) results.add(service.execute(r.operation(), r.client(), e.nonDet(), false));
                return results;
            }, results -> {
                executedRequests += results.size();
                core.executed(now(), e.seq(), results);
            }, "batch " + e.seq());
        } else if (a instanceof ReplicaAction.RefreshKeys k) {
            // Section 4.4: replica k.recovering() recovers; the keys we shared with it may be the attacker's.
            refreshKeysNow(false);
        } else if (a instanceof ReplicaAction.SignRecovery sr) {
            // Section 4.4: the co-processor signs the recovery request with its next counter, the
            // request's timestamp (durable before the signature is released, so never reused).
            try {
                SignedCounter signed = coProcessor.sign(sr.payload());
                core.recoverySigned(now(), signed.counter(), signed.signature());
            } catch (CoProcessorException e) {
                LOG.log(System.Logger.Level.ERROR, "replica " + id + ": the co-processor failed to sign the recovery request; this"
                        + " recovery cannot complete (its alert will fire)", e);
            }
        } else if (a instanceof ReplicaAction.StateReplaced sr) {
            service.stateReplaced();
            transferDone(sr);
        } else if (a instanceof ReplicaAction.ExecuteReadOnly r) {
            executeOffLoop(() -> service.execute(r.request().operation(), r.request().client(), new byte[0], true),
                    result -> core.executedReadOnly(now(), r.request(), result), "a read-only request");
        } else {
            throw new IllegalStateException("a replica cannot perform " + a);
        }
    }

    /**
     * Section 4.1, every T_k: fresh keys for what the other replicas send us (their old ones are
     * refused from now on), our NEW-KEY to each, certificates cleared of votes under the old keys,
     * clients whose keys are older than two periods dropped (they send a NEW-KEY again), and the
     * NEW-KEY counters accepted so far saved in the data dir.
     */
    private void refreshKeys() {
        if (!loop.isRunning()) return;
        refreshKeysNow(true);
        loop.schedule(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(keyRefreshMs), this::refreshKeys);
    }

    /** One key refresh (the periodic one, or one a peer's recovery asks for: then from inside {@link #drive}). */
    private void refreshKeysNow(boolean thenDrive) {
        try {
            endpoint.refreshKeys();
            byte[] frame = endpoint.newKeyFrame();
            for (int j = 0; j < cluster.n(); j++) if (j != id) peerTransport.send(j, frame);
        } catch (CoProcessorException e) {
            LOG.log(System.Logger.Level.ERROR, "replica " + id + ": the co-processor failed; keys are not refreshed", e);
            return;
        }
        keyRefreshes++;
        core.keysRefreshed(now());
        long staleBefore = now() - 2 * keyRefreshMs;
        for (var it = clientKeyAt.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getValue() >= staleBefore) continue;
            endpoint.discardClientKey(e.getKey());
            clientKeysDropped++;
            it.remove();
        }
        saveNewKeyCounters();
        if (thenDrive) drive();
    }

    /** The tally of recoveries on the data dir; a damaged one is reported and counted from zero (an operator's figure only). */
    private static long readRecoveryTally(Path file, int id) {
        if (file == null) return 0;
        try {
            return io.bulwark.bft.durable.RecoveryTally.read(file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "replica " + id + ": the recovery tally is unreadable, counting from 0: " + e.getMessage());
            return 0;
        }
    }

    /** Recoveries this replica completed on its data dir, across restarts (this process's alone without one); loop thread. */
    private long recoveriesTotal() { return recoveriesBefore + core.recoveryCounts()[3]; }

    /** Records a completed recovery in the data dir (a small atomic write, once per recovery). */
    private void saveRecoveryTally() {
        if (recoveryTallyFile == null) return;
        try {
            io.bulwark.bft.durable.RecoveryTally.write(recoveryTallyFile, recoveriesTotal());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "replica " + id + ": saving the recovery tally failed", e);
        }
    }

    /** Saves the accepted NEW-KEY counters when they changed (best effort between refreshes: see the README). */
    private void saveNewKeyCounters() {
        if (countersFile == null) return;
        java.util.Map<Integer, Long> now = endpoint.lastNewKeyCounters();
        if (now.equals(countersSaved)) return;
        try {
            io.bulwark.bft.durable.NewKeyCounters.write(countersFile, now);
            countersSaved = now;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "replica " + id + ": saving the NEW-KEY counters failed", e);
        }
    }

    /** What became of the NEW-KEYs this replica received, by outcome. */
    public java.util.Map<io.bulwark.bft.keys.NewKeyResult, Long> newKeyResults() { return loop.submit(endpoint::keyResults).join(); }

    /** The counter of the last NEW-KEY this replica accepted from {@code principal} (0: none). */
    public long lastNewKeyCounter(int principal) { return loop.submit(() -> endpoint.lastNewKeyCounters().getOrDefault(principal, 0L)).join(); }

    /** Key refreshes sent, and client keys dropped for not being refreshed in time. */
    public long keyRefreshes() { return keyRefreshes; }
    public long clientKeysDropped() { return clientKeysDropped; }

    private void send(Action a) {
        if (a instanceof Action.Send s) sender.send(s.to(), s.message());
        else if (a instanceof Action.Multicast m) sender.send(OutboundInterceptor.MULTICAST, m.message());
    }

    /**
     * Runs {@code body} on the execution thread and hands its result to {@code done} on the loop. What
     * escapes the service is this replica's fault, never a reply ({@link Replica#executionFailed}):
     * a service turns every failure a request can cause into a deterministic result, so what is left
     * is resource exhaustion (StackOverflowError, OutOfMemoryError — where it strikes depends on this
     * JVM) or a bug. The loop survives it, and the core, told, repairs the state by transfer.
     */
    private <T> void executeOffLoop(java.util.concurrent.Callable<T> body, java.util.function.Consumer<T> done, String what) {
        executing = true;
        executor.execute(() -> {
            T result = null;
            Throwable failure = null;
            try {
                result = body.call();
            } catch (Throwable t) {   // VirtualMachineError included: the execution thread and the loop live on
                failure = t;
            }
            T r = result;
            Throwable f = failure;
            try {
                loop.execute(() -> executionDone(r, f, done, what));
            } catch (RuntimeException closed) {
                // the replica is stopping
            }
        });
    }

    private <T> void executionDone(T result, Throwable failure, java.util.function.Consumer<T> done, String what) {
        executing = false;
        if (failure == null) {
            done.accept(result);
        } else {
            failedExecutions++;
            LOG.log(System.Logger.Level.ERROR, "replica " + id + ": executing " + what + " failed; no reply, the replica repairs its state", failure);
            core.executionFailed(now());
        }
        drive();
        // What arrived meanwhile, in order, until the next execution starts.
        while (!executing && !heldBack.isEmpty()) {
            ChannelVerdict.Deliver d = heldBack.poll();
            core.receive(now(), d.from(), d.message(), d.unverified());
            drive();
        }
    }

    /** Messages whose handling reads or changes the partition tree, which the execution thread writes. */
    private static boolean touchesState(Message m) {
        return m instanceof io.bulwark.bft.msg.Checkpoint || m instanceof io.bulwark.bft.msg.Fetch
                || m instanceof io.bulwark.bft.msg.MetaData || m instanceof io.bulwark.bft.msg.Data;
    }

    /** Executions that failed with something the service let through (see {@link #executeOffLoop}). */
    public long failedExecutions() { return failedExecutions; }

    /**
     * Logs a completed transfer: {@value #TRANSFER_DONE} C done: P pages in T ms, timed from the
     * first drive that saw the core transferring (the transfer's start) to its StateReplaced, with
     * the CPU time this replica's event loop and its whole process (JIT compilers and GC included)
     * used meanwhile. The transfer benchmark reads this line from the replica's log.
     */
    private void transferDone(ReplicaAction.StateReplaced sr) {
        long end = System.nanoTime();
        boolean seen = transferStartNanos >= 0;
        long start = seen ? transferStartNanos : end;
        long startMillis = seen ? transferStartMillis : now();
        long loopCpu = seen ? loopCpuNanos() - transferStartLoopCpu : 0;
        long processCpu = seen ? processCpuNanos() - transferStartProcessCpu : 0;
        long pages = core.pagesTransferred() - pagesReported;
        pagesReported = core.pagesTransferred();
        transferStartNanos = -1;
        String line = String.format(java.util.Locale.ROOT, "%s %d done: %d pages in %.3f ms (event loop CPU %.1f ms, process CPU %.1f ms; "
                        + "started at %d ms since the epoch; replica %d, %d transfers, %d bytes fetched)",
                TRANSFER_DONE, sr.seq(), pages, (end - start) / 1e6, loopCpu / 1e6, processCpu / 1e6, startMillis, id, core.transfersCompleted(),
                pages * (long) io.bulwark.bft.state.PartitionTree.PAGE_SIZE);
        lastTransfer = line;
        LOG.log(System.Logger.Level.INFO, line);
    }

    /** CPU time of the calling thread (the loop), or 0 where the JVM does not measure it. */
    private static long loopCpuNanos() {
        java.lang.management.ThreadMXBean t = java.lang.management.ManagementFactory.getThreadMXBean();
        return t.isCurrentThreadCpuTimeSupported() ? Math.max(0, t.getCurrentThreadCpuTime()) : 0;
    }

    /** CPU time of this whole process, or 0 where the JVM does not report it. */
    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? Math.max(0, os.getProcessCpuTime()) : 0;
    }

    /** The start of the line {@link #transferDone} logs. */
    public static final String TRANSFER_DONE = "state transfer to checkpoint";

    public int id() { return id; }

    /** This principal's current NEW-KEY frame: public by design (every replica receives it; tests replay it as an attacker would). */
    public byte[] newKeyFrame() {
        return loop.submit(() -> endpoint.newKeyFrame().clone()).join();
    }

    /** Frames dropped or connections closed by channel binding for {@code reason}, read on the loop. */
    public long channelRejected(ChannelReject reason) { return loop.submit(() -> guard.counters().get(reason)).join(); }

    /** The binding counters, read on the loop. */
    public String channelCounters() { return loop.submit(() -> guard.counters().toString()).join(); }

    /** The client listener's transport counters (connections evicted, timed out, refused...); without peer addresses, the only one. Any thread. */
    public io.bulwark.bft.net.TransportStats transportStats() { return transport.stats(); }

    /** The counters of the transport replica traffic runs on (its own listener and dials; the shared one without peer addresses). Any thread. */
    public io.bulwark.bft.net.TransportStats peerTransportStats() { return peerTransport.stats(); }

    /** Whether replica traffic has a listener of its own (cluster.conf gives peer addresses). */
    public boolean separatePeerTraffic() { return peerTransport != transport; }

    /** How many times the core ignored an input for {@code reason}, read on the loop. */
    public long ignored(io.bulwark.bft.core.Ignored reason) { return loop.submit(() -> core.counters().ignored(reason)).join(); }

    /** How many incoming frames were rejected for {@code reason}, read on the loop. */
    public long rejected(RejectReason reason) { return loop.submit(() -> endpoint.wire().counters().get(reason)).join(); }

    /** The view the core is in, read on the loop. */
    public long view() { return loop.submit(core::view).join(); }

    public long executedRequests() { return executedRequests; }

    /** State transfers this replica completed, read on the loop. */
    public long transfersCompleted() { return loop.submit(core::transfersCompleted).join(); }

    /** Recoveries (section 4.4) completed by this replica since it started, read on the loop. */
    public long recoveriesCompleted() { return loop.submit(() -> core.recoveryCounts()[3]).join(); }

    /** Pages its state transfers fetched, read on the loop. */
    public long pagesTransferred() { return loop.submit(core::pagesTransferred).join(); }

    /** Whether a state transfer is running, read on the loop. */
    public boolean transferring() { return loop.submit(core::transferring).join(); }

    /** The last sequence number executed (or reached by a transfer), read on the loop. */
    public long lastExecuted() { return loop.submit(core::lastExecuted).join(); }

    /** Quarantines this replica imposed on clients (the big-MAC defence), read on the loop. */
    public long quarantinesImposed() { return loop.submit(core::quarantinesImposed).join(); }

    /** AUTH-FAILUREs this replica sent, read on the loop. */
    public long authFailuresSent() { return loop.submit(core::authFailuresSent).join(); }

    /** View changes this replica started, read on the loop. */
    public long viewChangesStarted() { return loop.submit(core::viewChangesStarted).join(); }

    /** The last stable checkpoint, read on the loop. */
    public long stableSeq() { return loop.submit(core::stableSeq).join(); }

    /** This replica's digest of checkpoint {@code seq} if it holds it, else null; read on the loop. */
    public Digest checkpointDigest(long seq) { return loop.submit(() -> core.checkpointDigest(seq)).join(); }

    /** Whether this replica journals its votes (a data dir, durability on). */
    public boolean durable() { return log != null; }

    /** Journal entries written, group commits started, and sends that waited for one (0 when not durable). */
    public long journalEntries() { return journalEntries; }
    public long journalSyncs() { return journalSyncs; }
    public long sendsHeldForSync() { return sendsHeld; }

    /** The checkpoint the data dir's header names (the last complete save), or -1. */
    public long savedCheckpoint() { return savedCheckpoint; }

    /** Whether the core knows its state is bad (a loaded state failed its check, or diverged), read on the loop. */
    public boolean corrupt() { return loop.submit(core::corrupt).join(); }

    /** This replica's answer to {@code q}: progress and its non-zero counters (loop thread). */
    private io.bulwark.bft.msg.StatusReport statusReport(io.bulwark.bft.msg.StatusQuery q) {
        List<io.bulwark.bft.msg.StatusReport.Counter> counters = new ArrayList<>();
        java.util.function.BiConsumer<String, Long> add = (name, value) -> {
            if (value > 0 && counters.size() < io.bulwark.bft.msg.MessageCodec.STATUS_REPORT_MAX_COUNTERS
                    && name.length() <= io.bulwark.bft.msg.MessageCodec.STATUS_REPORT_MAX_NAME)
                counters.add(new io.bulwark.bft.msg.StatusReport.Counter(name, value));
        };
        // Section 4.4, for an operator's page: this replica recovering now, its recoveries completed since this
        // process started (every start on saved state is one) and on its data dir across restarts, and the other
        // replicas' recoveries it saw complete.
        add.accept("recovering", core.recovering() ? 1L : 0L);
        long[] recoveries = core.recoveryCounts();
        add.accept("recoveries_completed", recoveries[3]);
        add.accept("recoveries_total", recoveriesTotal());
        add.accept("peer_recoveries_seen", recoveries[0]);
        add.accept("quarantines", core.quarantinesImposed());
        add.accept("auth_failures_sent", core.authFailuresSent());
        add.accept("requests_executed", executedRequests);
        add.accept("executions_failed", failedExecutions);
        // Issue 16 item 2: requests named by digest, as primary; and as backup, pre-prepares that waited
        // for a named request, and those completed by fetching their batch body.
        add.accept("pre_prepares_by_digest", core.prePreparesByDigest());
        add.accept("requests_by_digest", core.requestsByDigest());
        add.accept("pre_prepares_awaited_requests", core.prePreparesAwaitedRequests());
        add.accept("pre_prepares_fetched_body", core.prePreparesFetchedBody());
        // The journal (issue 16 item 4): entries written, group commits asked for, and fsyncs the sync thread ran.
        add.accept("journal_entries", journalEntries);
        add.accept("journal_syncs", journalSyncs);
        add.accept("journal_forces", log == null ? 0L : log.journal().forces());
        add.accept("frames_accepted", endpoint.wire().counters().accepted());
        endpoint.wire().counters().snapshot().forEach((reason, n) -> add.accept("rejected." + reason, n));
        // NEW-KEYs refused (a replayed old one: STALE_COUNTER), by outcome.
        java.util.Map<io.bulwark.bft.keys.NewKeyResult, Long> keyResults = endpoint.keyResults();
        for (io.bulwark.bft.keys.NewKeyResult result : io.bulwark.bft.keys.NewKeyResult.values())
            if (!result.accepted() && result != io.bulwark.bft.keys.NewKeyResult.DUPLICATE) add.accept("newkey." + result.name(), keyResults.getOrDefault(result, 0L));
        core.counters().snapshot().forEach((reason, n) -> add.accept("ignored." + reason.name(), n));
        guard.counters().snapshot().forEach((reason, n) -> add.accept("channel." + reason.name(), n));
        transport.stats().refusals().forEach((name, n) -> add.accept((peerTransport != transport ? "client_port." : "port.") + name, n));
        if (peerTransport != transport) peerTransport.stats().refusals().forEach((name, n) -> add.accept("peer_port." + name, n));
        return new io.bulwark.bft.msg.StatusReport(id, q.client(), q.nonce(), core.view(), core.viewActive(), core.transferring(),
                core.corrupt(), core.lastExecuted(), core.stableSeq(), core.viewChangesStarted(), core.transfersCompleted(),
                core.pagesTransferred(), counters);
    }

    /** The line logged for the last completed state transfer, or null. */
    public String lastTransfer() { return lastTransfer; }

    /** What was moved out of a journal damaged in the middle at this start, or null (the journal was whole). */
    public String journalDamage() { return journalDamage; }

    /**
     * A consistent snapshot of the core's progress and counters, taken on the loop, as one readable
     * line (the {@code stopping:} line of {@code bulwark replica}, failure reports of tests and benchmarks).
     */
    public String describe() {
        return loop.submit(() -> {
            StringBuilder b = new StringBuilder("replica ").append(id).append(": view ").append(core.view())
                    .append(" (primary ").append(cfg.primaryOf(core.view())).append(core.viewActive() ? "" : ", changing to it").append(')')
                    .append(", executed ").append(core.lastExecuted())
                    .append(", stable checkpoint ").append(core.stableSeq())
                    .append(", ").append(core.viewChangesStarted()).append(" view changes started")
                    .append(", ").append(core.transfersCompleted()).append(" state transfers (").append(core.pagesTransferred()).append(" pages)");
            long[] rc = core.recoveryCounts();   // [peers recovered, slow, refused, completed]
            b.append(", recoveries ").append(rc[3]).append(" own, ").append(rc[0]).append(" of peers, ").append(rc[1]).append(" slow, ")
                    .append(rc[2]).append(" refused, ").append(core.stepDowns()).append(" step-downs as primary");
            if (core.recovering()) b.append(", RECOVERING");
            if (core.transferring()) b.append(", TRANSFERRING");
            if (core.corrupt()) b.append(", CORRUPT");
            b.append("; frames ").append(endpoint.wire().counters().accepted()).append(" accepted, rejected ").append(endpoint.wire().counters().snapshot())
                    .append("; inputs ignored ").append(core.counters().snapshot())
                    .append("; ").append(guard.counters().bindings()).append(" connections bound, refused ").append(guard.counters().snapshot())
                    .append("; ").append(core.authFailuresSent()).append(" AUTH-FAILUREs sent, ").append(core.quarantinesImposed()).append(" quarantines");
            // Issue 15: what each listener refused, evicted or timed out (a flood of the client port shows here, not on the peer port).
            if (peerTransport != transport) {
                b.append("; client port ").append(transport.stats().describe()).append("; peer port ").append(peerTransport.stats().describe());
            } else {
                b.append("; port (shared by clients and replicas) ").append(transport.stats().describe());
            }
            if (outbound != OutboundInterceptor.NONE) b.append("; outbound ").append(outbound);
            return b.toString();
        }).join();
    }

    /**
     * Before a planned stop (the watchdog's reboot for proactive recovery, an operator's restart):
     * if this replica is the primary of an active view, it leaves for the next view and waits, at
     * most {@code within}, until its VIEW-CHANGE is durable and written to every replica's
     * connection, so that the backups move on at once instead of when their timers run out (section
     * 6.3; {@link Replica#stepDown}). Returns the view it left, or -1 if it did not step down (a
     * backup returns at once). Called from shutdown hooks, so it logs nothing: JUL may be reset already.
     */
    public long stepDownIfPrimary(java.time.Duration within) {
        long left;   // the view it left, or -1
        try {
            left = loop.submit(() -> {
                long v = core.view();
                if (!core.stepDown(now())) return -1L;
                drive();
                return v;
            }).join();
        } catch (RuntimeException closed) {
            return -1;   // the loop is already closed
        }
        if (left < 0) return -1;
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            boolean flushed;
            try {
                flushed = loop.submit(this::sentEverything).join();
            } catch (RuntimeException closed) {
                break;
            }
            if (flushed) break;
            try {
                Thread.sleep(5);   // polling a shutdown path, bounded by within
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return left;
    }

    /** On the loop: nothing waits for the journal, and every replica connection's queue is written. */
    private boolean sentEverything() {
        if (driveTicket != 0 || !awaitingSync.isEmpty()) return false;
        for (int j = 0; j < cfg.n(); j++) {
            if (j == id) continue;
            io.bulwark.bft.net.Connection c = peerTransport.route(j);
            if (c != null && c.queuedBytes() > 0) return false;
        }
        return true;
    }

    @Override public void close() {
        try {
            loop.submit(() -> {
                timers.cancelAll();
                saveNewKeyCounters();
                // Everything sent is journaled: a stop record says so, so that a restart forgets no vote (LogEntry.Stopped).
                // Nothing is sent after it (perform drops sends): a vote after the record would be one a restart forgets.
                if (log != null && !journalFailed) {
                    log.append(new io.bulwark.bft.core.LogEntry.Stopped());
                    log.commit();   // the journal's close completes it
                    stopRecorded = true;
                }
                return null;
            }).join();
        } catch (RuntimeException ignored) {
            // the loop is already closed
        }
        transport.close();
        peerTransport.close();   // idempotent: the same transport without peer addresses
        loop.close();
        executor.shutdownNow();   // an operation still running is abandoned with the process
        if (writer != null) {
            // A save under way completes (its redo log makes any cut safe; finishing it saves the checkpoint).
            writer.shutdown();
            try {
                if (!writer.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS))
                    LOG.log(System.Logger.Level.WARNING, "replica {0}: a save did not finish within 60 s", id);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (log != null) {
            try {
                log.close();   // the syncs handed over complete; entries never committed were never waited for
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "replica " + id + ": closing the journal failed", e);
            }
        }
        if (claim != null) {
            try {
                claim.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "replica " + id + ": releasing the data dir's lock failed", e);
            }
        }
    }
}
