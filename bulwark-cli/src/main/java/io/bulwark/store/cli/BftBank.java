package io.bulwark.store.cli;

import io.bulwark.bft.cli.CliProcesses;
import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.config.ClusterConfigFile;
import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.net.EventLoop;
import io.bulwark.bft.node.BftClient;
import io.bulwark.bft.node.LocalCluster;
import io.bulwark.bft.testkit.ReplicaProcesses;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.bench.BankSession;
import io.bulwark.store.bench.BankSystem;
import io.bulwark.store.bench.TransferResult;
import io.bulwark.store.bench.store.BenchStore;
import io.bulwark.store.client.StoreClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code bft} row: the bench bank on 3f+1 = 4 replica processes on loopback (fresh keys,
 * ephemeral ports), by default durable as {@code bulwark replica --data-dir} runs them (each journals its
 * votes and syncs before it sends them, issue 12: the baselines fsync their commits too), each client a {@link StoreClient} over its own authenticated {@link BftClient}
 * (all on one event loop). One more client opens the accounts and reads the total. {@link #close}
 * stops every process and, if the directory was a fresh temporary one, removes it.
 */
final class BftBank implements BankSystem {
    private static final int F = 1;

    private final Path dir;
    private final boolean ownDir;
    private final int clients;
    private final int pages;
    private final Duration callTimeout;
    private final Duration startTimeout;
    private final boolean tls;
    private final boolean durable;
    private final StoreDefinition definition = BenchStore.definition();
    private ReplicaProcesses replicas;
    private EventLoop loop;
    private final List<BftClient> bftClients = new ArrayList<>();
    private final List<StoreClient> storeClients = new ArrayList<>();

    /**
     * @param dir where keys, cluster.conf and replica logs go; null for a fresh temporary directory,
     *            removed on close
     */
    BftBank(Path dir, int clients, int pages, Duration callTimeout, Duration startTimeout) throws IOException {
        this(dir, clients, pages, callTimeout, startTimeout, true, true);
    }

    /**
     * As above, with TLS on every connection or not (system name {@code bft} or {@code bft-notls}),
     * and durable replicas or replicas that keep nothing on disk.
     */
    BftBank(Path dir, int clients, int pages, Duration callTimeout, Duration startTimeout, boolean tls, boolean durable) throws IOException {
        this.tls = tls;
        this.durable = durable;
        this.ownDir = dir == null;
        this.dir = ownDir ? Files.createTempDirectory("bulwark-bench-store-") : dir;
        this.clients = clients;
        this.pages = pages;
        this.callTimeout = callTimeout;
        this.startTimeout = startTimeout;
    }

    @Override public String name() { return tls ? "bft" : "bft-notls"; }

    @Override public void open(int accounts, long initialBalance) throws Exception {
        if (replicas != null) throw new IllegalStateException("already open");
        Files.createDirectories(dir);
        if (Files.exists(dir.resolve(ClusterConfigFile.FILE_NAME)))
            throw new IllegalArgumentException(dir + " already holds a cluster.conf; choose an empty --dir");
        ClusterConfig cluster = LocalCluster.prepare(dir, F, clients + 1, tls);
        Path conf = dir.resolve(ClusterConfigFile.FILE_NAME);
        replicas = CliProcesses.replicas();
        for (int i = 0; i < cluster.n(); i++) {
            List<String> args = new ArrayList<>(List.of("--service", "store", "--pages", Integer.toString(pages)));
            if (durable) args.addAll(List.of("--data-dir", Files.createDirectories(dir.resolve("data-" + i)).toString(), "--durable", "on"));
            replicas.start(conf, i, args);
        }
        replicas.awaitReady(startTimeout.toMillis());
        ProtocolConfig cfg = ProtocolConfig.defaults(F);
        loop = EventLoop.start("bench-store-clients");
        for (ClusterConfig.Client c : cluster.clients()) {
            BftClient bc = BftClient.connect(KeyMaterial.load(dir, c.id()), cfg, loop);
            bftClients.add(bc);
            storeClients.add(new StoreClient(bc, definition, callTimeout));
        }
        for (BftClient bc : bftClients)
            if (!bc.awaitConnected(startTimeout)) throw new IOException("client " + bc.id() + " could not connect to the replicas within " + startTimeout);
        BenchStore.openAccounts(invoker(storeClients.get(clients)), accounts, initialBalance);
    }

    @Override public BankSession session(int client) {
        BenchStore.Invoker invoker = invoker(storeClients.get(client));
        return (from, to, amount) -> BenchStore.transfer(invoker, from, to, amount) ? TransferResult.APPLIED : TransferResult.REFUSED;
    }

    @Override public long totalBalance() throws Exception {
        return BenchStore.totalBalance(invoker(storeClients.get(clients)));
    }

    private static BenchStore.Invoker invoker(StoreClient client) {
        return new BenchStore.Invoker() {
            @Override public <R> R invoke(String operation, boolean readOnly, Class<R> resultType, Object... args) {
                return readOnly ? client.invokeReadOnly(operation, resultType, args) : client.invoke(operation, resultType, args);
            }
        };
    }

    @Override public Map<String, ProcessHandle> serverProcesses() {
        Map<String, ProcessHandle> m = new LinkedHashMap<>();
        if (replicas != null) for (int i = 0; i < replicas.count(); i++) m.put("r" + i, replicas.process(i).toHandle());
        return m;
    }

    /** Each replica's resident memory, " r0 182 r1 180 ..." in MiB; empty before {@link #open}. */
    String residentMiB() { return replicas == null ? "" : replicas.residentMiBSummary(); }

    /** The last lines of each replica's log, for a failure report. */
    String replicaLogs() {
        if (replicas == null) return "";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < replicas.count(); i++) b.append("--- replica ").append(i).append(" ---\n").append(replicas.logTail(i)).append('\n');
        return b.toString();
    }

    @Override public void close() {
        for (BftClient c : bftClients) c.close();
        bftClients.clear();
        storeClients.clear();
        if (loop != null) loop.close();
        loop = null;
        if (replicas != null) replicas.close();
        replicas = null;
        if (ownDir) deleteTree(dir);
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("bench store: could not remove " + root + ": " + e.getMessage());
        }
    }
}
