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
import io.bulwark.jakarta.client.BulwarkClient;
import io.bulwark.store.bench.BankSession;
import io.bulwark.store.bench.BankSystem;
import io.bulwark.store.bench.TransferResult;
import io.bulwark.store.bench.bank.BankAccounts;
import io.bulwark.store.bench.bank.SampleBank;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code bft} row: the sample bank on 3f+1 = 4 replica processes on loopback (fresh keys, ephemeral ports), each
 * running the bank's jar as the demo's replicas do ({@code replica --service cdi --app}), by default durable as
 * {@code bulwark replica --data-dir} runs them (each journals its votes and syncs before it sends them, issue 12: the
 * baselines fsync their commits too). Each client is a teller: the bank's {@code BankService} proxy over its own
 * authenticated {@link BftClient} (all on one event loop). One more client opens the accounts and reads the audit.
 * {@link #close} stops every process and, if the directory was a fresh temporary one, removes it.
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
    private final SampleBank bank;
    private ReplicaProcesses replicas;
    private EventLoop loop;
    private final List<BftClient> bftClients = new ArrayList<>();
    /** Each client's {@code BankService} proxy; the last one opens the accounts and reads the audit. */
    private final List<Object> tellers = new ArrayList<>();

    /**
     * @param dir where keys, cluster.conf and replica logs go; null for a fresh temporary directory,
     *            removed on close
     */
    BftBank(SampleBank bank, Path dir, int clients, int pages, Duration callTimeout, Duration startTimeout) throws IOException {
        this(bank, dir, clients, pages, callTimeout, startTimeout, true, true);
    }

    /**
     * As above, with TLS on every connection or not (system name {@code bft} or {@code bft-notls}),
     * and durable replicas or replicas that keep nothing on disk.
     */
    BftBank(SampleBank bank, Path dir, int clients, int pages, Duration callTimeout, Duration startTimeout, boolean tls, boolean durable) throws IOException {
        this.bank = bank;
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
        Path policy = dir.resolve("bank-policy.conf");
        Files.writeString(policy, SampleBank.tellerPolicy(cluster.clients().stream().map(ClusterConfig.Client::id).toList()), StandardCharsets.UTF_8);
        replicas = CliProcesses.replicas();
        for (int i = 0; i < cluster.n(); i++) {
            List<String> args = new ArrayList<>(List.of("--service", "cdi", "--app", bank.jar().toString(), "--access-policy", policy.toString(),
                    "--pages", Integer.toString(pages)));
            if (durable) args.addAll(List.of("--data-dir", Files.createDirectories(dir.resolve("data-" + i)).toString(), "--durable", "on"));
            replicas.start(conf, i, args);
        }
        replicas.awaitReady(startTimeout.toMillis());
        ProtocolConfig cfg = ProtocolConfig.defaults(F);
        loop = EventLoop.start("bench-store-clients");
        for (ClusterConfig.Client c : cluster.clients()) {
            BftClient bc = BftClient.connect(KeyMaterial.load(dir, c.id()), cfg, loop);
            bftClients.add(bc);
            tellers.add(BulwarkClient.over(bc, callTimeout).proxy(bank.serviceInterface()));
        }
        for (BftClient bc : bftClients)
            if (!bc.awaitConnected(startTimeout)) throw new IOException("client " + bc.id() + " could not connect to the replicas within " + startTimeout);
        BankAccounts.open(bank, tellers, accounts, initialBalance);
    }

    @Override public BankSession session(int client) {
        Object teller = tellers.get(client);
        return (from, to, amount) -> bank.transfer(teller, from, to, amount) ? TransferResult.APPLIED : TransferResult.REFUSED;
    }

    /** The bank's own audit (a read-only request, linearizable: it sees every transfer that completed), which must balance. */
    @Override public long totalBalance() throws Exception {
        return bank.totalBalance(tellers.get(clients));
    }

    /** Replica 0's last executed batch, asked through the protocol (STATUS-QUERY) by the client that reads the audit. */
    @Override public java.util.function.LongSupplier batchesExecuted() {
        return io.bulwark.bft.cli.ExecutedBatches.askedBy(bftClients.get(clients));
    }

    /** What each replica counted of requests by digest, asked by the client that reads the audit. */
    public String requestsByDigest() {
        return io.bulwark.bft.cli.RequestsByDigestCounts.askedBy(bftClients.get(clients), 3 * F + 1);
    }

    /** What each replica did with its journal per batch (entries, syncs asked, fsyncs), or null when the replicas keep nothing on disk. */
    public String journal() {
        return durable ? io.bulwark.bft.cli.JournalCounts.askedBy(bftClients.get(clients), 3 * F + 1) : null;
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
        tellers.clear();
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
