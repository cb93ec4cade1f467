package io.bulwark.bft.cli;

import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.durable.DataDir;
import io.bulwark.bft.durable.PrincipalLock;
import io.bulwark.bft.durable.ProcessLock;
import io.bulwark.bft.node.OutboundInterceptor;
import io.bulwark.bft.testkit.attack.ReplicaAttack;
import io.bulwark.bft.net.TlsWarmup;
import io.bulwark.bft.node.ReplicaNode;
import io.bulwark.bft.state.PageStore;
import io.bulwark.bft.state.StateFile;
import io.bulwark.bft.service.Service;
import io.bulwark.jakarta.host.CdiReplicaHost;
import io.bulwark.store.access.AccessPolicy;
import io.bulwark.store.service.StoreService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bulwark replica}: runs one replica until it is stopped (SIGTERM / Ctrl-C); with
 * {@code --check --data-dir D}, verifies a stopped replica's saved state instead (exit 0 clean,
 * 1 corrupt pages or a root not as recorded, 2 unreadable).
 */
@Command(name = "replica", mixinStandardHelpOptions = true, description = "Run one replica of a cluster, or check a stopped replica's saved state.")
final class ReplicaCommand implements Callable<Integer> {
    /** Printed once the replica listens; {@code bulwark cluster} and the benchmarks wait for it. */
    static final String READY = "ready";

    @Option(names = "--config", description = "The cluster.conf file; key files are read from its directory (required to run).")
    Path config;

    @Option(names = "--id", description = "This replica's id (0..n-1; required to run).")
    Integer id;

    @Option(names = "--data-dir", description = "Save the state here at stable checkpoints (only the pages changed since the last save, "
            + "through a redo log: a save cut short never damages the last one), and start from what is saved here (checked page by page; "
            + "corrupt pages are fetched from the others). Locked while the replica runs; it holds this cluster's and this replica's "
            + "identity, and another cluster's or replica's directory is refused.")
    Path dataDir;

    @Option(names = "--durable", defaultValue = "on", description = "on (default) or off. On, with --data-dir: the replica journals its votes "
            + "and views in the data dir and syncs them before the messages that depend on them leave (one fsync per event-loop round), "
            + "and a restart resumes where it was — a whole group losing power loses nothing a client saw committed. Off: only "
            + "checkpoints are saved (for comparison in benchmarks).")
    String durable;

    @Option(names = "--check", description = "Do not run: verify the saved state in --data-dir page by page, print the corrupt pages; "
            + "exit 1 if any (or if the root digest is not the one recorded at save).")
    boolean check;

    @Option(names = "--all", description = "With --check: list every corrupt page (default: the first " + CheckStateCommand.LIST_LIMIT + ").")
    boolean all;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--tls", description = "on or off: TLS 1.3 on every connection, each principal's key pinned in cluster.conf "
            + "(default: as cluster.conf says, 'tls = on' unless it says 'tls = off'). Every replica and client of a group must agree.")
    String tls;

    @Option(names = "--service", defaultValue = "kv", description = "kv (default), null (the paper's null service, for benchmarks), fill "
            + "(pages overwritten with deterministic pseudo-random bytes, for the state-transfer benchmark) or cdi (the "
            + "@Replicated beans of the application jar(s) in --app, booted in Weld SE: the Jakarta adapter's CDI replica host; the "
            + "demo and bench store run the sample bank this way).")
    String service;

    @Option(names = "--app", split = ",", description = "With --service cdi: the application jar(s), the same as inside the WAR "
            + "(comma-separated, or the option repeated), or a build's classes directory.")
    List<Path> apps = new ArrayList<>();

    @Option(names = "--access-policy", description = "With --service cdi: the access policy file (client ids to principals and roles, "
            + "see AccessPolicyFormat); the same at every replica. Default: nobody listed, so only @PermitAll operations can be called.")
    Path accessPolicy;

    @Option(names = "--result-size", defaultValue = "0", description = "Result size in bytes of the null service (default: ${DEFAULT-VALUE}).")
    int resultSize;

    @Option(names = "--pages", defaultValue = "1024", description = "State size in 4 KB pages (default: ${DEFAULT-VALUE}).")
    int pages;

    @Option(names = "--checkpoint-interval", defaultValue = "128", description = "K, the checkpoint interval (default: ${DEFAULT-VALUE}); L = 2K.")
    int k;

    @Option(names = "--view-change-timeout-ms", description = "Base view-change timeout: a backup suspects the primary when a "
            + "request it knows of is not executed within this (default: ProtocolConfig's, 1000).")
    Long viewChangeTimeoutMs;

    @Option(names = "--request-by-digest-bytes", defaultValue = "" + ProtocolConfig.DEFAULT_REQUEST_BY_DIGEST_BYTES,
            description = "Client requests of at least this many operation bytes reach the backups from their clients only: "
                    + "as primary, this replica names them by digest in its pre-prepares (default: ${DEFAULT-VALUE}; "
                    + "0: never, every request travels inside the pre-prepare). Backups take both forms, whatever theirs is.")
    int requestByDigestBytes;

    /** Faulty behaviour for {@code bulwark bench attack}; hidden because no real deployment wants it. */
    @Option(names = "--adversary", hidden = true, description = "slow-primary, silent, wrong-results or equivocating-primary (benchmarks and tests only).")
    String adversary;

    @Option(names = "--adversary-margin-ms", hidden = true, defaultValue = "100",
            description = "slow-primary: pre-prepares are held back the view-change timeout minus this.")
    long marginMs;

    @Option(names = "--watchdog", description = "Proactive recovery (section 4.4): run the replica as a child process under a recovery "
            + "monitor that, every period T_w (e.g. 60s, 10m; at least 10s), has it save and stop and starts it again; the restarted "
            + "replica recovers (estimation, new keys, the recovery request) while it keeps serving. Replicas recover staggered, "
            + "T_w/n apart. The monitor also restarts a replica that crashed, after a backoff of 1 s doubling up to 30 s. Default: off.")
    String watchdog;

    @Option(names = "--recovery-alert", defaultValue = "120s", description = "A recovery (this replica's or another's) that takes longer "
            + "is reported with a WARN line and counted: a denial-of-service may be slowing it down (default: ${DEFAULT-VALUE}).")
    String recoveryAlert;

    @Option(names = "--supervised", hidden = true, description = "Run under --watchdog's monitor: exit when the monitor goes away (its pipe closes).")
    boolean supervised;

    @Override
    public Integer call() throws Exception {
        if (check) return check();
        if (config == null || id == null) throw new IllegalArgumentException("--config and --id are required to run a replica");
        long alertMs = Durations.parseMillis("--recovery-alert", recoveryAlert);
        if (watchdog != null) return monitor();
        if (supervised) watchParent();
        // While the state loads and the keys are exchanged, the JIT compiles the TLS and digest paths (TlsWarmup's why).
        TlsWarmup.startInBackground("bulwark-replica-" + id + "-warmup", what -> System.out.println("replica " + id + ": " + what));
        // Service code on a replica sees the same default locale and time zone at every replica,
        // whatever the host's (determinism on replicas: DESIGN principle 4; issue 19).
        java.util.Locale.setDefault(java.util.Locale.ROOT);
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("UTC"));
        ServiceChoice choice = ServiceChoice.parse(service);
        if (choice != ServiceChoice.cdi && (!apps.isEmpty() || accessPolicy != null))
            throw new IllegalArgumentException("--app and --access-policy go with --service cdi");
        if (pages < 1 || pages > 1 << 20) throw new IllegalArgumentException("--pages must be between 1 and " + (1 << 20));
        KeyMaterial keys = KeyMaterial.load(config.toAbsolutePath().getParent(), id);
        if (tls != null) keys = keys.withTls(TlsChoice.on(tls));
        ClusterConfig cluster = keys.config();
        // One process per replica id (its co-processor counter and its votes are its own), held until the process exits.
        ProcessLock principal = PrincipalLock.acquire(config.toAbsolutePath().getParent(), cluster, id);
        if (requestByDigestBytes < 0) throw new IllegalArgumentException("--request-by-digest-bytes must be >= 0");
        // A faulty runtime (--adversary) rewrites whole pre-prepares: its primary sends every request inside them.
        ProtocolConfig cfg = protocolConfig(cluster.f(), k, viewChangeTimeoutMs)
                .withRequestByDigestBytes(requestByDigestBytes == 0 || adversary != null ? Integer.MAX_VALUE : requestByDigestBytes);
        OutboundInterceptor bad = adversary(adversary, cfg, marginMs);
        ReplicaNode node;
        CdiReplicaHost app = null;
        try {
            Service svc;
            if (choice == ServiceChoice.cdi) {
                if (apps.isEmpty()) throw new IllegalArgumentException("--service cdi needs --app with the application jar(s)");
                AccessPolicy policy = accessPolicy == null ? AccessPolicy.builder().build() : AccessPolicy.load(accessPolicy);
                app = CdiReplicaHost.boot(apps, ReplicaCommand.class.getClassLoader());
                svc = new StoreService(app.definition(policy), cfg.maxResultBytes());
                System.out.println("application " + apps + ": " + app.beans().size() + " @Replicated bean(s), " + app.entities().size() + " entity class(es)");
            } else {
                svc = choice.create(resultSize, cfg.maxResultBytes());
            }
            node = ReplicaNode.builder(keys, cfg, svc, pages).dataDir(dataDir).durable(onOff("--durable", durable)).outbound(bad)
                    .recoveryAlert(java.time.Duration.ofMillis(alertMs)).build();
        } catch (RuntimeException | java.io.IOException e) {
            if (app != null) app.close();
            principal.close();
            throw e;
        }
        CdiReplicaHost application = app;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // A primary moves the group on before it goes (section 6.3), so a watchdog reboot or a
            // restart of the primary does not leave clients waiting for the backups' timers.
            try {
                long left = node.stepDownIfPrimary(java.time.Duration.ofSeconds(2));
                // stdout, as the stopping: line: JUL's own shutdown hook may have reset its handlers.
                if (left >= 0) System.out.println("replica " + node.id() + ": stepped down as primary of view " + left + " before stopping (section 4.4)");
            } catch (RuntimeException ignored) {
                // not started
            }
            try {
                System.out.println("stopping: " + node.describe());   // the final state in one line, for operators and benchmark failure reports
                if (bad != OutboundInterceptor.NONE) System.out.println("adversary at exit: " + bad);   // what it did, for tests
            } catch (RuntimeException ignored) {
                // not started
            }
            node.close();
            if (application != null) application.close();
            try {
                principal.close();
            } catch (java.io.IOException ignored) {
                // the process exits: the OS releases the lock
            }
            stopped.countDown();
        }, "bulwark-shutdown"));
        int port = node.start();
        System.out.println("replica " + id + " of " + cluster.n() + " (f=" + cluster.f() + ", service " + service
                + ", view-change timeout " + cfg.viewChangeTimeoutMs() + " ms"
                + (bad == OutboundInterceptor.NONE ? "" : ", ADVERSARY " + bad) + ", TLS " + (cluster.tls() ? "on" : "off") + ") listening on "
                + cluster.replica(id).host() + ":" + port
                + (node.separatePeerTraffic() ? " (replicas: " + cluster.replica(id).peerHost() + ":" + node.peerPort() + ")" : "") + " " + READY);
        System.out.flush();
        stopped.await();
        return 0;
    }

    /** {@code --watchdog}: this process becomes the recovery monitor and runs the replica as its child. */
    private int monitor() throws Exception {
        long periodMs = Durations.parseMillis("--watchdog", watchdog);
        long least = 2 * ProtocolConfig.DEFAULT_RECOVERY_SPACING_MS;
        if (periodMs < least)
            throw new IllegalArgumentException("--watchdog must be at least " + least / 1000 + "s (twice the spacing the replicas keep between "
                    + "one replica's recovery requests), was " + watchdog);
        if (dataDir == null) throw new IllegalArgumentException("--watchdog needs --data-dir: a replica recovers from what it saved");
        int n = io.bulwark.bft.config.ClusterConfigFile.read(config).n();
        List<String> all = spec.commandLine().getParseResult().originalArgs();
        int at = all.indexOf("replica");
        List<String> args = new ArrayList<>();
        for (int i = at + 1; i < all.size(); i++) {
            String a = all.get(i);
            if (a.equals("--watchdog")) { i++; continue; }
            if (a.startsWith("--watchdog=")) continue;
            args.add(a);
        }
        return new RecoveryMonitor(RecoveryMonitor.childCommand(args), id, n, periodMs).run();
    }

    /** Under the monitor: when it goes away (kill -9 included), its pipe to us closes, and we stop (cleanly). */
    private static void watchParent() {
        Thread t = new Thread(() -> {
            try {
                while (System.in.read() >= 0) { /* the monitor writes nothing; EOF is the signal */ }
            } catch (java.io.IOException ignored) {
                // the same: the pipe is gone
            }
            System.out.println("the recovery monitor is gone: stopping");
            System.exit(0);
        }, "bulwark-monitor-watch");
        t.setDaemon(true);
        t.start();
    }

    /** {@code --check}: the saved state in --data-dir, every page against its digest (see {@link PageStore#check}). */
    private int check() throws java.io.IOException {
        if (dataDir == null) throw new IllegalArgumentException("--check needs --data-dir");
        if (!java.nio.file.Files.isDirectory(dataDir)) throw new IllegalArgumentException(dataDir + " is not a directory");
        // A running replica's directory is not checked (its lock says by whom); a save cut short is finished or discarded first.
        try (ProcessLock lock = ProcessLock.acquire(dataDir.resolve(DataDir.LOCK_FILE), "data dir " + dataDir)) {
            String recovered = PageStore.recover(dataDir);
            if (recovered != null) spec.commandLine().getOut().println(dataDir + ": " + recovered);
            return checkLocked();
        }
    }

    private int checkLocked() throws java.io.IOException {
        if (!PageStore.exists(dataDir)) throw new IllegalArgumentException(dataDir + " holds no saved state (no " + PageStore.HEADER_FILE + " file)");
        java.io.PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        StateFile.Report r = PageStore.check(dataDir);
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(java.util.Locale.ROOT, "%s: checkpoint %d, %d pages (%.1f MiB of state), checked in %.2f s%n",
                dataDir, r.seq(), r.pageCount(), r.pageCount() * 4096.0 / (1 << 20), seconds);
        out.println("root digest " + r.root().toHex() + (r.rootMatches() ? " (as recorded at save)"
                : " DIFFERS from the root recorded at save (a save was interrupted, or a page's tuple is damaged)"));
        out.println(r.pageCount() + " pages checked, " + r.corrupt().cardinality() + " corrupt: "
                + CheckStateCommand.list(r.corrupt(), all ? Integer.MAX_VALUE : CheckStateCommand.LIST_LIMIT));
        out.flush();
        return r.clean() ? 0 : 1;
    }

    static boolean onOff(String option, String value) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException(option + " must be on or off, not '" + value + "'");
        };
    }

    /** The protocol configuration a replica process runs with; the benchmarks build the same for their clients. */
    static ProtocolConfig protocolConfig(int f, int k, Long viewChangeTimeoutMs) {
        ProtocolConfig cfg = ProtocolConfig.defaults(f).withCheckpointInterval(k, 2 * k);
        if (viewChangeTimeoutMs == null) return cfg;
        if (viewChangeTimeoutMs < 1) throw new IllegalArgumentException("--view-change-timeout-ms must be positive");
        return cfg.withTimeouts(cfg.statusIntervalMs(), cfg.clientRetransmitMs(), viewChangeTimeoutMs);
    }

    /** The faulty runtime of {@code --adversary} (the test kit's, through the engine's outbound seam), or none. */
    static OutboundInterceptor adversary(String name, ProtocolConfig cfg, long marginMs) {
        return ReplicaAttack.parse(name, cfg, marginMs);
    }
}
