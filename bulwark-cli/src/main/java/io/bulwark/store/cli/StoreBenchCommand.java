package io.bulwark.store.cli;

import io.bulwark.bft.cli.MachineSpeed;
import io.bulwark.bft.cli.RunDescription;
import io.bulwark.bft.cli.TlsChoice;
import io.bulwark.bft.testkit.ReplicaProcesses;
import io.bulwark.store.bench.BankSystem;
import io.bulwark.store.bench.BenchReport;
import io.bulwark.store.bench.BenchRow;
import io.bulwark.store.bench.BenchSettings;
import io.bulwark.store.bench.ClosedLoopBench;
import io.bulwark.store.bench.etcd.EtcdBank;
import io.bulwark.store.bench.etcd.EtcdCluster;
import io.bulwark.store.bench.hibernate.HibernateBank;
import io.bulwark.store.bench.hibernate.PostgresServer;
import io.bulwark.store.bench.local.HostPackage;
import io.bulwark.store.bench.bank.SampleBank;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bulwark bench store}: the sample bank's transfer (read two accounts, check the caller may move the money, update
 * both, record the transfer in the bounded history, validate non-negative balances and the books) from many concurrent
 * closed-loop clients against, in one run, the sample bank itself on 4 replica processes ({@code bft}), the same bank on
 * the same store unreplicated, and the same transaction on what a user would otherwise pick: Hibernate ORM on embedded
 * H2, Hibernate ORM on a PostgreSQL 15 server and a 3-member etcd cluster, both started by the benchmark on loopback with
 * their default durability. A server whose
 * Debian package is missing skips its row (with {@code --install-missing}, run as root, it is
 * installed with apt-get first). After each system's run the sum of all balances is read back and
 * must equal the money the bank started with; the command fails if it does not.
 */
@Command(name = "store", mixinStandardHelpOptions = true,
        description = "Bank transfers on the replicated store, the unreplicated store, Hibernate ORM + H2, Hibernate ORM + PostgreSQL "
                + "and etcd: ops/s, p50/p99 latency.")
public final class StoreBenchCommand implements Callable<Integer> {
    static final List<String> SYSTEMS = List.of("bft", "unreplicated", "hibernate-h2", "hibernate-postgresql", "etcd");
    /** The rows that need a server from the host, by the Debian package that has it (tests put missing ones here). */
    Map<String, HostPackage> hostPackages = Map.of("hibernate-postgresql", HostPackage.postgresql(), "etcd", HostPackage.etcd());

    @Spec CommandSpec spec;

    @Option(names = "--clients", defaultValue = "16", description = "Concurrent closed-loop clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--accounts", defaultValue = "1000", description = "Accounts transfers pick from (default: ${DEFAULT-VALUE}).")
    int accounts;

    @Option(names = "--initial-balance", defaultValue = "1000", description = "Each account's opening balance (default: ${DEFAULT-VALUE}).")
    long initialBalance;

    @Option(names = "--max-amount", defaultValue = "100", description = "Transfers move 1..this (default: ${DEFAULT-VALUE}).")
    long maxAmount;

    // Four young replica JVMs on two cores are still JIT-compiling (C2 took a quarter of a core per
    // replica) 12 s in: a 5 s warm-up measured the compiler, 2,100 instead of 4,600 ops/s.
    @Option(names = "--warmup", defaultValue = "60", description = "Warm-up seconds before the measured window, per system (default: ${DEFAULT-VALUE}; "
            + "four young replica JVMs share the cores with the clients and C2 keeps compiling for about a minute: 3,123, 2,291, 484, "
            + "1,459, 567, 278 and 82 compilations in a replica's successive 10 s, and the bft row measured 1,959 ops/s over 40 s after "
            + "10 s against 650 over 10 s).")
    double warmupSeconds;

    @Option(names = "--duration", defaultValue = "15", description = "Measured seconds per system (default: ${DEFAULT-VALUE}).")
    double durationSeconds;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the clients' transfer choices (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--systems", split = ",", defaultValue = "bft,unreplicated,hibernate-h2,hibernate-postgresql,etcd",
            description = "Systems to run, in this order (default: ${DEFAULT-VALUE}). hibernate-postgresql needs the Debian package "
                    + "postgresql (PostgreSQL 15), etcd the package etcd-server: a row whose package is missing is skipped.")
    List<String> systems;

    @Option(names = "--install-missing", description = "Install a missing server package with apt-get (needs root) instead of skipping its row.")
    boolean installMissing;

    /** State of the bench's replicas and unreplicated store: 64 MiB, the demo's, room for the bank's whole bounded history. */
    static final int DEFAULT_PAGES = 16_384;

    @Option(names = "--pages", defaultValue = "" + DEFAULT_PAGES,
            description = "State size of the store in 4 KB pages (default: ${DEFAULT-VALUE}, the demo's: room for 1000 accounts and the "
                    + "bank's bounded history).")
    int pages;

    @Option(names = "--app", description = "The sample bank's jar (default: sample-bank/target/sample-bank-*.jar under the "
            + "bulwark launcher's BULWARK_HOME, which the launcher builds).")
    Path app;

    @Option(names = "--dir", description = "Directory for the replicas' keys, cluster.conf and logs (default: a fresh temporary directory, removed after).")
    Path dir;

    @Option(names = "--start-timeout", defaultValue = "120", description = "Seconds the replicas, the PostgreSQL server or the etcd cluster may take to start and the clients to connect (default: ${DEFAULT-VALUE}).")
    int startTimeoutSeconds;

    @Option(names = "--call-timeout", defaultValue = "30", description = "Seconds a store call may wait for its certified reply, and an etcd call for its answer (default: ${DEFAULT-VALUE}).")
    int callTimeoutSeconds;

    @Option(names = "--tls", defaultValue = "on", description = "on (default), off, or both: the bft system with TLS 1.3 on every "
            + "connection (row bft) and/or without (row bft-notls), in the same run.")
    String tls;

    @Option(names = "--bft-durable", defaultValue = "on", description = "on (default) or off: the bft rows' replicas journal "
            + "their votes in a data dir and sync before they send them (what bulwark replica --data-dir runs), or keep nothing on disk.")
    String bftDurable;

    @Option(names = "--json", description = "End with one JSON line: {\"rows\":[{\"system\",\"ops_per_s\",\"latency_us_p50\",\"latency_us_p99\",...}]}.")
    boolean json;

    /**
     * Hibernate ORM and Validator log through java.util.logging here; their start-up banners and a
     * line per rolled-back batch would drown the report. Held strongly: java.util.logging keeps
     * loggers only weakly.
     */
    private static final java.util.logging.Logger HIBERNATE_LOG = java.util.logging.Logger.getLogger("org.hibernate");
    /** A deadlock or lock timeout the bench retries (and counts) would otherwise print its SQL error. */
    private static final java.util.logging.Logger SQL_ERROR_LOG = java.util.logging.Logger.getLogger("org.hibernate.engine.jdbc.spi.SqlExceptionHelper");
    /** Weld's container start and stop lines for the bank booted in this process. */
    private static final java.util.logging.Logger WELD_LOG = java.util.logging.Logger.getLogger("org.jboss.weld");

    @Override
    public Integer call() throws Exception {
        HIBERNATE_LOG.setLevel(java.util.logging.Level.WARNING);
        WELD_LOG.setLevel(java.util.logging.Level.WARNING);
        SQL_ERROR_LOG.setLevel(java.util.logging.Level.OFF);
        BenchSettings settings = new BenchSettings(clients, accounts, initialBalance, maxAmount, seed,
                seconds("--warmup", warmupSeconds, true), seconds("--duration", durationSeconds, false));
        Set<String> chosen = new LinkedHashSet<>();
        for (String s : systems) {
            String name = s.trim().toLowerCase(Locale.ROOT);
            if (!SYSTEMS.contains(name)) throw new IllegalArgumentException("unknown system '" + s + "' (expected some of " + String.join(", ", SYSTEMS) + ")");
            if (!chosen.add(name)) throw new IllegalArgumentException("system " + name + " given twice");
        }
        if (pages < 16 || pages > 1 << 20) throw new IllegalArgumentException("--pages must be between 16 and " + (1 << 20));
        if (startTimeoutSeconds < 1 || callTimeoutSeconds < 1) throw new IllegalArgumentException("timeouts must be at least 1 second");

        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "bench store: %d clients, %d accounts of %d, transfers of 1..%d, seed %d; %.1f s warm-up, %.1f s measured per system%n",
                clients, accounts, initialBalance, maxAmount, seed, warmupSeconds, durationSeconds);
        // Issue 16: how it ran (this JVM: the clients, and the whole system for unreplicated and H2; the replicas' JVM options).
        out.println(RunDescription.describe(ReplicaProcesses.childJvmOptions(List.of(), "{id}")));
        out.println(MachineSpeed.measure().describe("at start"));
        out.flush();
        List<Boolean> tlsModes = TlsChoice.parse(tls, true);
        List<String> runs = new ArrayList<>();
        for (String name : chosen) {
            if (!name.equals("bft")) runs.add(name);
            else for (boolean on : tlsModes) runs.add(on ? "bft" : "bft-notls");
        }
        List<String> skipped = new ArrayList<>();
        for (String name : chosen) {
            HostPackage p = hostPackages.get(name);
            if (p == null) continue;
            Optional<String> skip = p.ensure(installMissing, out);
            if (skip.isPresent()) {
                runs.remove(name);
                skipped.add(name);
            }
        }
        Path jar = app != null ? app : SampleBank.defaultJar().orElseThrow(() -> new IllegalArgumentException(
                "bench store runs the sample bank: give its jar with --app (run through ./bulwark, which builds it)"));
        List<BenchRow> rows = new ArrayList<>();
        try (SampleBank bank = SampleBank.load(jar)) {
            out.printf(Locale.ROOT, "the sample bank from %s (history kept: %d entries, in every system)%n", jar, bank.historyKept());
            runAll(runs, settings, bank, rows, out);
        }
        out.println(MachineSpeed.measure().describe("at end"));
        out.println();
        out.print(BenchReport.table(rows));
        if (!skipped.isEmpty()) out.println("skipped (package missing): " + String.join(", ", skipped));
        double[] load = BenchReport.loadAverage();
        if (load != null) out.printf(Locale.ROOT, "load average: %.2f %.2f %.2f%n", load[0], load[1], load[2]);
        if (json) out.println(BenchReport.json(rows, skipped, settings, load));
        out.flush();
        boolean ok = true;
        for (BenchRow r : rows) {
            if (!r.conserved()) {
                spec.commandLine().getErr().println("bench store: " + r.system() + " did not conserve money: " + r.moneyBefore() + " before, " + r.moneyAfter() + " after");
                ok = false;
            }
            if (r.failed() > 0) {
                spec.commandLine().getErr().println("bench store: " + r.system() + ": " + r.failed() + " transfers failed; first: " + r.firstFailure());
                ok = false;
            }
        }
        return ok ? 0 : 1;
    }

    /** Each system in turn, on the same bank: a row each. */
    private void runAll(List<String> runs, BenchSettings settings, SampleBank bank, List<BenchRow> rows, PrintWriter out) throws Exception {
        for (String name : runs) {
            try (BankSystem system = create(name, bank)) {
                BenchRow row;
                try {
                    row = ClosedLoopBench.run(system, settings);
                } catch (Exception e) {
                    if (system instanceof BftBank b) System.err.print(b.replicaLogs());
                    if (system instanceof EtcdBank b) System.err.print(b.clusterLogs());
                    throw new IllegalStateException(name + ": " + e.getMessage(), e);
                }
                rows.add(row);
                out.printf(Locale.ROOT, "  %-20s %.1f ops/s, p50 %.1f us, p99 %.1f us (%d applied, %d refused, %d failed, %d retried)%n", row.system(),
                        row.opsPerSecond(), row.p50Micros(), row.p99Micros(), row.applied(), row.refused(), row.failed(), row.retried());
                if (!row.cpuMicrosPerTransfer().isEmpty()) {
                    StringBuilder cpu = new StringBuilder();
                    row.cpuMicrosPerTransfer().forEach((k, v) -> cpu.append(String.format(Locale.ROOT, " %s %.0f", k, v)));
                    if (!Double.isNaN(row.transfersPerBatch())) cpu.append(String.format(Locale.ROOT, "; %.1f transfers per batch", row.transfersPerBatch()));
                    out.printf(Locale.ROOT, "  %-20s CPU per transfer in the measured window (us):%s%n", "", cpu);
                }
                // Issue 16 item 6: how a replica's memory grows with the state (--pages, --accounts) and the clients.
                if (system instanceof BftBank b) out.printf(Locale.ROOT, "  %-20s replica resident memory after the run (MiB):%s%n", "", b.residentMiB());
                if (system instanceof BftBank b) out.printf(Locale.ROOT, "  %-20s requests by digest:%s%n", "", b.requestsByDigest());
                if (system instanceof BftBank b) {
                    String journal = b.journal();   // one STATUS-QUERY round over the group
                    if (journal != null) out.printf(Locale.ROOT, "  %-20s journal over the replica's life:%s%n", "", journal);
                }
                out.flush();
            }
        }
    }

    private BankSystem create(String name, SampleBank bank) throws Exception {
        return switch (name) {
            case "bft", "bft-notls" -> new BftBank(bank, runDir(name),
                    clients, pages, Duration.ofSeconds(callTimeoutSeconds), Duration.ofSeconds(startTimeoutSeconds), name.equals("bft"),
                    switch (bftDurable) {
                        case "on" -> true;
                        case "off" -> false;
                        default -> throw new IllegalArgumentException("--bft-durable must be on or off, not '" + bftDurable + "'");
                    });
            case "unreplicated" -> new UnreplicatedBank(bank, clients, pages);
            case "hibernate-h2" -> new HibernateBank(clients, bank.historyKept());
            case "hibernate-postgresql" -> {
                // One connection per client, and a few for psql and the like.
                PostgresServer server = PostgresServer.start(PostgresServer.DEFAULT_BIN, clients + 10, Duration.ofSeconds(startTimeoutSeconds));
                yield HibernateBank.postgresql(clients, bank.historyKept(), server.jdbcUrl(), PostgresServer.ROLE, server);
            }
            case "etcd" -> {
                EtcdCluster cluster = EtcdCluster.start(hostPackages.get("etcd").programs().get(0), Duration.ofSeconds(startTimeoutSeconds));
                yield new EtcdBank(cluster.endpoints(), bank.historyKept(), Duration.ofSeconds(callTimeoutSeconds), cluster);
            }
            default -> throw new IllegalArgumentException("unknown system " + name);
        };
    }

    /** --dir, or with --tls both a subdirectory per run (each run writes its own cluster.conf); null: a temporary one. */
    private Path runDir(String name) {
        if (dir == null) return null;
        return tls.trim().equalsIgnoreCase("both") ? dir.resolve(name) : dir;
    }

    private static Duration seconds(String option, double s, boolean zeroAllowed) {
        if (!(s >= 0) || s > 3600 || (!zeroAllowed && s == 0))
            throw new IllegalArgumentException(option + " must be " + (zeroAllowed ? "0" : "above 0") + " to 3600 seconds, not " + s);
        return Duration.ofNanos((long) (s * 1e9));
    }
}
