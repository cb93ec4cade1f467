package io.bulwark.bft.testkit;

import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.config.ClusterConfigFile;
import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.config.ConfigException;
import io.bulwark.bft.crypto.CoProcessorException;
import io.bulwark.bft.net.TransportConfig;
import io.bulwark.bft.node.BftClient;
import io.bulwark.bft.node.LocalCluster;
import io.bulwark.bft.node.OutboundInterceptor;
import io.bulwark.bft.node.ReplicaNode;
import io.bulwark.bft.service.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * A replica group in this JVM on loopback, for tests (in the style of Apache Ratis'
 * {@code MiniRaftCluster}): fresh keys and {@code cluster.conf} in a directory, ports the kernel
 * just handed out, n = 3f+1 {@link ReplicaNode}s running a chosen {@link Service}, optionally some
 * of them Byzantine through the engine's {@link OutboundInterceptor} seam, connected clients, and
 * stop / start / restart of one replica with or without its saved state. Every wait has a deadline
 * ({@link Await}). {@link #close} stops every client and replica it made, whatever happened.
 *
 * <pre>{@code
 * try (MiniCluster g = MiniCluster.builder(dir).service(i -> new KvService()).build()) {
 *     BftClient c = g.client(0);
 *     c.invoke(KvOps.put("k", "v"), false, g.waitLimit());
 *     g.stop(3);
 * }
 * }</pre>
 */
public final class MiniCluster implements AutoCloseable {
    private final Path dir;
    private final ClusterConfig config;
    private final ProtocolConfig protocol;
    private final IntFunction<Service> services;
    private final int pages;
    private final boolean saveState;
    private final TransportConfig transport;
    private final Map<Integer, OutboundInterceptor> outbound;
    private final Duration wait;
    private final Duration keyRefresh;
    private final ReplicaNode[] running;
    private final int[] ports;
    private final int[] peerPorts;
    private final List<AutoCloseable> clients = new ArrayList<>();

    /** A group whose keys, {@code cluster.conf} and saved states go into {@code dir} (a test's temporary directory). */
    public static Builder builder(Path dir) { return new Builder(dir); }

    /** What the group is made of; {@link #build} prepares it and starts its replicas. */
    public static final class Builder {
        private final Path dir;
        private int f = 1;
        private int clients = 2;
        private ProtocolConfig protocol;
        private IntFunction<Service> services;
        private int pages = 64;
        private boolean saveState;
        private TransportConfig transport = TransportConfig.forNodes();
        private final Map<Integer, OutboundInterceptor> outbound = new HashMap<>();
        private int[] startOnly;
        private Duration wait = Duration.ofSeconds(30);
        private boolean tls = true;
        private boolean peerPorts = true;
        private Duration keyRefresh = Duration.ofSeconds(15);

        private Builder(Path dir) { this.dir = Objects.requireNonNull(dir, "dir"); }

        /** Faults tolerated (default 1): n = 3f+1 replicas. */
        public Builder f(int f) {
            if (f < 1) throw new IllegalArgumentException("f must be >= 1, was " + f);
            this.f = f;
            return this;
        }

        /** Client principals in the configuration (default 2): ids n .. n+clients-1, see {@link MiniCluster#client}. */
        public Builder clients(int clients) {
            if (clients < 1) throw new IllegalArgumentException("clients must be >= 1, was " + clients);
            this.clients = clients;
            return this;
        }

        /** The replicas' and clients' protocol configuration (default {@code ProtocolConfig.defaults(f)}); its f must be the group's. */
        public Builder protocol(ProtocolConfig protocol) { this.protocol = Objects.requireNonNull(protocol, "protocol"); return this; }

        /** The service of replica i, made anew each time it starts (required). */
        public Builder service(IntFunction<Service> services) { this.services = Objects.requireNonNull(services, "services"); return this; }

        /** Pages of service state per replica (default 64). */
        public Builder pages(int pages) { this.pages = pages; return this; }

        /** Each replica saves its state at stable checkpoints into {@link MiniCluster#dataDir} and starts from it (default: nothing saved). */
        public Builder saveState(boolean saveState) { this.saveState = saveState; return this; }

        /** The replicas' transport limits (default {@link TransportConfig#forNodes()}). */
        public Builder transport(TransportConfig transport) { this.transport = Objects.requireNonNull(transport, "transport"); return this; }

        /** Replica {@code id} sends through {@code interceptor} (a Byzantine replica, e.g. from {@code io.bulwark.bft.testkit.attack}). */
        public Builder outbound(int id, OutboundInterceptor interceptor) {
            outbound.put(id, Objects.requireNonNull(interceptor, "interceptor"));
            return this;
        }

        /** Starts only these replicas in {@link #build} (default: all); {@link MiniCluster#start} starts the others later. */
        public Builder startOnly(int... ids) { this.startOnly = ids.clone(); return this; }

        /** The deadline of every wait of the fixture (default 30 s). */
        public Builder waitLimit(Duration wait) { this.wait = Objects.requireNonNull(wait, "wait"); return this; }

        /** TLS on every connection (default on, as {@code bulwark keygen} writes it); off for the plaintext binding handshake. */
        public Builder tls(boolean tls) { this.tls = tls; return this; }

        /** Whether each replica gets a port of its own for replica traffic (issue 15; default true), or shares its client port. */
        public Builder peerPorts(boolean peerPorts) { this.peerPorts = peerPorts; return this; }

        /** T_k of the replicas and of the clients this fixture connects (section 4.1; the nodes' default: 15 s). */
        public Builder keyRefresh(Duration period) { this.keyRefresh = Objects.requireNonNull(period, "period"); return this; }

        /** Writes keys and configuration, then starts the replicas; on a failure stops what it started and rethrows. */
        public MiniCluster build() throws IOException, ConfigException {
            if (services == null) throw new IllegalStateException("no service: call service(...)");
            ProtocolConfig cfg = protocol != null ? protocol : ProtocolConfig.defaults(f);
            if (cfg.f() != f) throw new IllegalArgumentException("protocol f=" + cfg.f() + " but the group has f=" + f);
            int n = 3 * f + 1;
            for (int id : outbound.keySet())
                if (id < 0 || id >= n) throw new IllegalArgumentException("no replica " + id + " in a group of " + n);
            ClusterConfig config = LocalCluster.prepare(dir, f, clients, tls, peerPorts);
            MiniCluster g = new MiniCluster(this, config, cfg);
            try {
                if (startOnly == null) {
                    for (int i = 0; i < n; i++) g.start(i);
                } else {
                    for (int i : startOnly) g.start(i);
                }
            } catch (IOException | ConfigException | RuntimeException | Error e) {
                g.close();
                throw e;
            }
            return g;
        }
    }

    private MiniCluster(Builder b, ClusterConfig config, ProtocolConfig protocol) {
        this.dir = b.dir;
        this.config = config;
        this.protocol = protocol;
        this.services = b.services;
        this.pages = b.pages;
        this.saveState = b.saveState;
        this.transport = b.transport;
        this.outbound = Map.copyOf(b.outbound);
        this.wait = b.wait;
        this.keyRefresh = b.keyRefresh;
        this.running = new ReplicaNode[config.n()];
        this.ports = new int[config.n()];
        this.peerPorts = new int[config.n()];
    }

    public Path dir() { return dir; }

    /** The group's {@code cluster.conf} (what {@code bulwark kv --config} reads). */
    public Path configFile() { return dir.resolve(ClusterConfigFile.FILE_NAME); }

    public ClusterConfig config() { return config; }

    public ProtocolConfig protocol() { return protocol; }

    public int n() { return config.n(); }

    public int f() { return config.f(); }

    /** The deadline of the fixture's waits (and a sensible one for a test's own calls). */
    public Duration waitLimit() { return wait; }

    /** Principal {@code id}'s keys, loaded from the group's directory. */
    public KeyMaterial keys(int id) throws IOException, ConfigException { return KeyMaterial.load(dir, id); }

    /** Where replica {@code id} saves its state (with {@link Builder#saveState}). */
    public Path dataDir(int id) { return dir.resolve("replica-" + id + ".data"); }

    /** Replica {@code id}, which must be running. */
    public ReplicaNode replica(int id) {
        ReplicaNode r = running[checkReplica(id)];
        if (r == null) throw new IllegalStateException("replica " + id + " is not running");
        return r;
    }

    public boolean isRunning(int id) { return running[checkReplica(id)] != null; }

    /** The running replicas, by id. */
    public List<ReplicaNode> replicas() {
        List<ReplicaNode> out = new ArrayList<>();
        for (ReplicaNode r : running) if (r != null) out.add(r);
        return out;
    }

    /** The port replica {@code id} listened on for clients when it last started (0: never started). */
    public int port(int id) { return ports[checkReplica(id)]; }

    /**
     * The port replica {@code id} listened on for replicas when it last started (issue 15; the same as
     * {@link #port} for a group without peer addresses; 0: never started).
     */
    public int peerPort(int id) { return peerPorts[checkReplica(id)]; }

    /**
     * Starts replica {@code id} (not running): a fresh node with a fresh service, which loads its
     * saved state first if the group saves state and one is there.
     */
    public ReplicaNode start(int id) throws IOException, ConfigException {
        if (isRunning(id)) throw new IllegalStateException("replica " + id + " is already running");
        ReplicaNode r = ReplicaNode.builder(keys(id), protocol, services.apply(id), pages)
                .dataDir(saveState ? dataDir(id) : null)
                .transport(transport)
                .outbound(outbound.getOrDefault(id, OutboundInterceptor.NONE))
                .keyRefresh(keyRefresh)
                .build();
        try {
            ports[id] = r.start();
            peerPorts[id] = r.peerPort();
        } catch (CoProcessorException | RuntimeException | Error e) {
            r.close();
            throw e;
        }
        running[id] = r;
        return r;
    }

    /**
     * Stops replica {@code id} (running): its connections drop at once, as a crash looks to the
     * others; a save under way completes first, so its data dir stays consistent.
     */
    public void stop(int id) {
        ReplicaNode r = replica(id);
        running[id] = null;
        r.close();
    }

    /** Deletes replica {@code id}'s saved state (it must be stopped): it starts again with none, like a replaced disk. */
    public void wipe(int id) throws IOException {
        if (isRunning(id)) throw new IllegalStateException("replica " + id + " is running: stop it before wiping its data dir");
        Path d = dataDir(id);
        if (!Files.exists(d)) return;
        try (Stream<Path> paths = Files.walk(d)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    /** Stops replica {@code id} and starts it again, from its saved state ({@code keepState}) or with none. */
    public ReplicaNode restart(int id, boolean keepState) throws IOException, ConfigException {
        stop(id);
        if (!keepState) wipe(id);
        return start(id);
    }

    /** Connects client {@code i} (principal n+i) and waits until it is connected to 2f+1 replicas; closed with the group. */
    public BftClient client(int i) throws IOException, ConfigException, InterruptedException {
        if (i < 0 || i >= config.clients().size())
            throw new IllegalArgumentException("no client " + i + ": the group has " + config.clients().size());
        BftClient c = BftClient.connect(keys(n() + i), protocol);
        c.keyRefresh(keyRefresh);
        clients.add(c);
        if (!c.awaitConnected(wait)) throw new AssertionError("client " + i + " not connected to 2f+1 replicas within " + wait + ": " + describe());
        return c;
    }

    /** Closes {@code c} with the group (something a test made itself, e.g. an attacking client). */
    public <T extends AutoCloseable> T closing(T c) {
        clients.add(c);
        return c;
    }

    /** Waits until {@code condition} holds, at most {@link #waitLimit()}; fails naming {@code what} and the group's state. */
    public void await(String what, BooleanSupplier condition) {
        try {
            Await.until(what, wait, condition);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ":" + describe(), e);
        }
    }

    /** Waits until replica {@code id} executed (or transferred) up to sequence number {@code seq}. */
    public void awaitExecuted(int id, long seq) {
        ReplicaNode r = replica(id);
        await("replica " + id + " to execute up to " + seq, () -> r.lastExecuted() >= seq);
    }

    /** One line per running replica: its view, progress and counters. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < running.length; i++) {
            ReplicaNode r = running[i];
            b.append("\n  ");
            try {
                b.append(r == null ? "replica " + i + " stopped" : r.describe());
            } catch (RuntimeException e) {
                b.append("replica ").append(i).append(": ").append(e);
            }
        }
        return b.toString();
    }

    /** Closes every client, then stops every replica; the first failure is rethrown once all were tried. */
    @Override public void close() {
        RuntimeException failure = null;
        for (int i = clients.size() - 1; i >= 0; i--) {
            try {
                clients.get(i).close();
            } catch (Exception e) {
                if (failure == null) failure = new IllegalStateException("closing " + clients.get(i) + " failed", e);
            }
        }
        clients.clear();
        for (int i = 0; i < running.length; i++) {
            ReplicaNode r = running[i];
            running[i] = null;
            if (r == null) continue;
            try {
                r.close();
            } catch (RuntimeException e) {
                if (failure == null) failure = e;
            }
        }
        if (failure != null) throw failure;
    }

    private int checkReplica(int id) {
        if (id < 0 || id >= running.length) throw new IllegalArgumentException("no replica " + id + " in a group of " + running.length);
        return id;
    }
}
