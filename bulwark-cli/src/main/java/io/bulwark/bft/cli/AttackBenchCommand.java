package io.bulwark.bft.cli;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.net.EventLoop;
import io.bulwark.bft.testkit.attack.BigMacClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bulwark bench attack} (issue 3, item 6): throughput of the same closed-loop load on a
 * fault-free group and under attacks, each on a fresh group of replica processes in the
 * same run; reports attacked / fault-free throughput and the clients' mean latency. The
 * connection flood (issue 15) floods the port {@code --flood-port} names, the clients' by default
 * (replica traffic runs on each replica's own peer port), and says which. The faulty replicas run the correct core
 * with misbehaving runtimes ({@code bulwark replica --adversary}); the faulty client is
 * {@link BigMacClient} (the test kit's, through the engine's outbound seam).
 */
@Command(name = "attack", mixinStandardHelpOptions = true,
        description = "Throughput and mean latency under attack (slow primary, big-MAC client, silent backup, connection flood) relative to fault-free, in one run.")
final class AttackBenchCommand implements Callable<Integer> {
    @Option(names = "--clients", defaultValue = "8", description = "Correct closed-loop clients in every run (default: ${DEFAULT-VALUE}).")
    int clientCount;

    @Option(names = "--seconds", defaultValue = "20", description = "Measured seconds per run (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup-ms", defaultValue = "3000", description = "Load before measuring, per run (default: ${DEFAULT-VALUE}).")
    long warmupMs;

    @Option(names = "--attacks", split = ",", defaultValue = "slow-primary,big-mac,silent-backup",
            description = "Attacks to run after the fault-free baseline: slow-primary, big-mac, silent-backup, connection-flood "
                    + "(default: ${DEFAULT-VALUE}).")
    List<String> attacks;

    @Option(names = "--flood-port", defaultValue = "client",
            description = "connection-flood: which port of every replica is flooded, client or peer (its listener for replica traffic; "
                    + "in a deployment firewalled to the replicas' hosts) (default: ${DEFAULT-VALUE}).")
    String floodPort;

    @Option(names = "--flood-sockets", defaultValue = "1500",
            description = "connection-flood: idle sockets opened at each replica's flooded port (its table holds 1,024), with 50 slowloris "
                    + "sockets each and connect/close churn throughout (default: ${DEFAULT-VALUE}).")
    int floodSockets;

    @Option(names = "--flood-kinds", split = ",", defaultValue = "idle,slowloris,churn,hello",
            description = "connection-flood: what the flooder does, any of idle, slowloris, churn, hello (TLS ClientHellos) "
                    + "(default: ${DEFAULT-VALUE}).")
    List<String> floodKinds;

    @Option(names = "--service", defaultValue = "null", description = "null (0/0 null operations, default) or kv (puts).")
    String service;

    @Option(names = "--margin-ms", defaultValue = "100",
            description = "slow-primary: pre-prepares are held back the view-change timeout minus this (default: ${DEFAULT-VALUE}).")
    long marginMs;

    @Option(names = "--big-mac-interval-ms", defaultValue = "5",
            description = "big-mac: the attacker sends a new request (fresh timestamp, not waiting for any result, no backoff) every this "
                    + "many ms; 0 makes it a closed-loop client that retransmits like a correct one (default: ${DEFAULT-VALUE}).")
    long bigMacIntervalMs;

    @Option(names = "--view-change-timeout-ms", description = "Replicas' base view-change timeout (default: ProtocolConfig's).")
    Long viewChangeTimeoutMs;

    @Option(names = "--client-retransmit-ms", description = "Clients' retransmission timeout (default: ProtocolConfig's).")
    Long clientRetransmitMs;

    @Option(names = "--json", description = "Print {\"rows\":[{\"attack\":...,\"ratio\":R}, ...]} as the last line.")
    boolean json;

    /** {@code replicaCpuUsPerOp}: CPU time of the replica processes (all of them) in the window, per reply; NaN if unknown. */
    private record Run(String attack, String setup, double opsPerSecond, long views, long errors, double replicaCpuUsPerOp) {
        /** A closed-loop client's mean latency (Little's law: clients / throughput). */
        double meanLatencyMs(int clients) { return opsPerSecond > 0 ? clients * 1000.0 / opsPerSecond : Double.NaN; }
    }

    private static final int SLOW_PRIMARY = 0;   // the primary of view 0
    private static final int SILENT = 3;         // a backup in views 0, 1 and 2

    @Override
    public Integer call() throws Exception {
        if (clientCount < 1 || clientCount > 256) throw new IllegalArgumentException("--clients must be 1..256");
        if (seconds < 1 || warmupMs < 0) throw new IllegalArgumentException("--seconds must be >= 1 and --warmup-ms >= 0");
        if (bigMacIntervalMs < 0) throw new IllegalArgumentException("--big-mac-interval-ms must be >= 0");
        for (String a : attacks)
            if (!List.of("slow-primary", "big-mac", "silent-backup", "connection-flood").contains(a))
                throw new IllegalArgumentException("unknown attack '" + a + "' (expected slow-primary, big-mac, silent-backup or connection-flood)");
        if (!floodPort.equals("client") && !floodPort.equals("peer")) throw new IllegalArgumentException("--flood-port must be client or peer");
        if (floodSockets < 0 || floodSockets > 5_000) throw new IllegalArgumentException("--flood-sockets must be 0..5000");
        for (String k : floodKinds)
            if (!List.of("idle", "slowloris", "churn", "hello").contains(k))
                throw new IllegalArgumentException("unknown --flood-kinds '" + k + "' (expected idle, slowloris, churn or hello)");
        ServiceChoice choice = ServiceChoice.parseLoad(service);
        int f = 1;
        ProtocolConfig replicaCfg = ReplicaCommand.protocolConfig(f, ProtocolConfig.DEFAULT_K, viewChangeTimeoutMs);
        ProtocolConfig clientCfg = FailoverBenchCommand.clientConfig(replicaCfg, clientRetransmitMs);
        ReplicaCommand.adversary("slow-primary", replicaCfg, marginMs);   // validates --margin-ms
        List<String> base = FailoverBenchCommand.replicaArgs(choice, replicaCfg);
        IntFunction<byte[]> op = FailoverBenchCommand.operations(choice);
        System.out.printf(Locale.ROOT, "bulwark bench attack: every run a fresh group of n=%d replica processes (f=%d) on loopback, service %s, "
                        + "%d correct closed-loop clients in this process (ordered requests), %d ms warm-up, %d s measured (replies completed in the window)%n",
                replicaCfg.n(), f, choice == ServiceChoice.kv ? "kv (puts)" : "null (0/0)", clientCount, warmupMs, seconds);
        FailoverBenchCommand.printTimeouts(replicaCfg, clientCfg);
        System.out.printf(Locale.ROOT, "  slow-primary: replica %d holds back every pre-prepare %d ms (view-change timeout - %d ms)%n"
                        + "  big-mac: one extra client whose requests carry a valid MAC only for the current primary (learned from the correct clients' certificates);"
                        + (bigMacIntervalMs > 0 ? " a new request every " + bigMacIntervalMs + " ms, never waiting, no backoff%n"
                                : " one request at a time, retransmitted like a correct client's%n")
                        + "  silent-backup: replica %d receives everything and sends nothing but its NEW-KEY%n"
                        + "  connection-flood: a keyless attacker in a process of its own at the lowest CPU priority (bulwark flood under nice -n 19: "
                        + "another host's CPU is not the replicas'), from 16 loopback addresses at every replica's %s port: %s, through warm-up "
                        + "and measurement (replica traffic runs on each replica's own peer port)%n",
                SLOW_PRIMARY, replicaCfg.viewChangeTimeoutMs() - marginMs, marginMs, SILENT, floodPort.toUpperCase(Locale.ROOT), floodWhat());

        List<Run> runs = new ArrayList<>();
        runs.add(run("none", "fault-free", replicaCfg, clientCfg, i -> base, false, null, op));
        for (String a : attacks) {
            switch (a) {
                case "slow-primary" -> runs.add(run(a, "replica " + SLOW_PRIMARY + " --adversary slow-primary", replicaCfg, clientCfg,
                        i -> i == SLOW_PRIMARY ? with(base, "--adversary", "slow-primary", "--adversary-margin-ms", Long.toString(marginMs)) : base,
                        false, null, op));
                case "big-mac" -> runs.add(run(a, "1 big-MAC client", replicaCfg, clientCfg, i -> base, true, null, op));
                case "silent-backup" -> runs.add(run(a, "replica " + SILENT + " --adversary silent", replicaCfg, clientCfg,
                        i -> i == SILENT ? with(base, "--adversary", "silent") : base, false, null, op));
                case "connection-flood" -> runs.add(run(a, "flood of the " + floodPort + " ports", replicaCfg, clientCfg, i -> base, false, floodPort, op));
                default -> throw new IllegalStateException(a);
            }
        }

        double baseline = runs.get(0).opsPerSecond();
        System.out.println();
        System.out.printf(Locale.ROOT, "%-16s %-38s %12s %8s %10s %16s %22s%n", "attack", "setup", "ops/s", "ratio", "max view", "mean latency ms",
                "replica CPU µs/reply");
        for (Run r : runs)
            System.out.printf(Locale.ROOT, "%-16s %-38s %12.1f %8.4f %10d %16.2f %22.0f%n", r.attack(), r.setup(), r.opsPerSecond(), ratio(r, baseline), r.views(),
                    r.meanLatencyMs(clientCount), r.replicaCpuUsPerOp());
        if (json) {
            StringBuilder b = new StringBuilder("{\"rows\":[");
            for (int i = 1; i < runs.size(); i++) {
                Run r = runs.get(i);
                if (i > 1) b.append(',');
                b.append(String.format(Locale.ROOT, "{\"attack\":\"%s\",\"ratio\":%.4f,\"ops_per_s\":%.1f,\"max_view\":%d,\"mean_latency_ms\":%.3f,\"replica_cpu_us_per_op\":%.0f%s}",
                        r.attack(), ratio(r, baseline), r.opsPerSecond(), r.views(), r.meanLatencyMs(clientCount), r.replicaCpuUsPerOp(),
                        r.attack().equals("connection-flood") ? ",\"flooded_port\":\"" + floodPort + "\"" : ""));
            }
            b.append(String.format(Locale.ROOT, "],\"baseline_mean_latency_ms\":%.3f,\"baseline_ops_per_s\":%.1f,\"clients\":%d,\"seconds\":%d,\"view_change_timeout_ms\":%d,\"client_retransmit_ms\":%d}",
                    runs.get(0).meanLatencyMs(clientCount), baseline, clientCount, seconds, replicaCfg.viewChangeTimeoutMs(), clientCfg.clientRetransmitMs()));
            System.out.println(b);
        }
        long errors = runs.stream().mapToLong(Run::errors).sum();
        return baseline > 0 && errors == 0 ? 0 : 1;
    }

    /** CPU time the replica processes used so far (user and system), or -1 if the platform does not say. */
    private static long replicaCpuNanos(BenchGroup g) {
        long total = 0;
        for (int i = 0; i < g.replicas.count(); i++) {
            var cpu = g.replicas.process(i).toHandle().info().totalCpuDuration();
            if (cpu.isEmpty()) return -1;
            total += cpu.get().toNanos();
        }
        return total;
    }

    /** The flood's kinds, in words. */
    private String floodWhat() {
        List<String> what = new ArrayList<>();
        if (floodKinds.contains("idle")) what.add(floodSockets + " idle sockets kept open (re-opened when closed)");
        if (floodKinds.contains("slowloris")) what.add("50 slowloris sockets (a 61,440-byte frame announced, a byte every 5 ms)");
        if (floodKinds.contains("churn")) what.add("connect/close churn");
        if (floodKinds.contains("hello")) what.add("TLS ClientHellos replayed on new connections (a key agreement and a signature each)");
        return String.join(", ", what);
    }

    private static String targetsOf(BenchGroup g, String floodPort) {
        List<String> ports = new ArrayList<>();
        for (var r : g.cluster.replicas()) ports.add(Integer.toString(floodPort.equals("peer") ? r.replicaPort() : r.port()));
        return String.join(",", ports);
    }

    private static double ratio(Run r, double baseline) { return baseline > 0 ? r.opsPerSecond() / baseline : 0; }

    private static List<String> with(List<String> base, String... more) {
        List<String> a = new ArrayList<>(base);
        a.addAll(List.of(more));
        return a;
    }

    /** {@code floodPort}: "client" or "peer" to flood every replica's port of that kind during the run, null for no flood. */
    private Run run(String attack, String setup, ProtocolConfig replicaCfg, ProtocolConfig clientCfg,
                    IntFunction<List<String>> replicaArgs, boolean bigMac, String floodPort, IntFunction<byte[]> op) throws Exception {
        try (BenchGroup g = new BenchGroup("attack", replicaCfg.f(), clientCfg, replicaArgs, clientCount, bigMac ? 1 : 0)) {
            LoadDriver load = new LoadDriver(g.clientLoop, g.clients, op);
            EventLoop attackerLoop = null;
            BigMacClient attacker = null;
            FloodProcess connections = null;
            try {
                if (floodPort != null) {
                    List<java.net.InetSocketAddress> targets = new ArrayList<>();
                    for (var r : g.cluster.replicas())
                        targets.add(floodPort.equals("peer") ? new java.net.InetSocketAddress(r.replicaHost(), r.replicaPort())
                                : new java.net.InetSocketAddress(r.host(), r.port()));
                    connections = FloodProcess.start(targets, List.of(
                            "--idle", floodKinds.contains("idle") ? Integer.toString(floodSockets) : "0",
                            "--slowloris", floodKinds.contains("slowloris") ? "50" : "0",
                            "--churn", Boolean.toString(floodKinds.contains("churn")),
                            "--hello", Boolean.toString(floodKinds.contains("hello"))), g.dir.resolve("flood.log"));
                }
                if (bigMac) {
                    attackerLoop = EventLoop.start("bulwark-big-mac");
                    // An attacker that follows the view changes: its MAC is valid for whoever is primary now.
                    attacker = BigMacClient.connect(g.clientKeys(clientCount), clientCfg, attackerLoop,
                            j -> j == replicaCfg.primaryOf(load.maxLastView()));
                    if (!attacker.client().awaitConnected(java.time.Duration.ofSeconds(30)))
                        throw new java.io.IOException("the big-MAC client could not connect within 30 s");
                }
                long start = System.nanoTime();
                load.start();
                Stoppable flood = null;
                if (attacker != null && bigMacIntervalMs > 0) flood = flood(attacker, attackerLoop, op.apply(clientCount), bigMacIntervalMs);
                else if (attacker != null) startAttack(attacker, op, clientCount);
                long from = start + warmupMs * 1_000_000;
                long to = from + seconds * 1_000_000_000L;
                while (System.nanoTime() < from) LockSupport.parkNanos(Math.min(100_000_000, Math.max(1, from - System.nanoTime())));
                long cpuFrom = replicaCpuNanos(g);
                while (System.nanoTime() < to) LockSupport.parkNanos(Math.min(100_000_000, Math.max(1, to - System.nanoTime())));
                long cpuTo = replicaCpuNanos(g);
                load.stop();
                if (flood != null) flood.cancel();
                if (connections != null)
                    System.out.printf(Locale.ROOT, "  connection-flood of the %s ports %s: %s%n", floodPort,
                            targetsOf(g, floodPort), connections.stop());
                long ops = load.completedBetween(from, to);
                Run r = new Run(attack, setup, ops / (double) seconds, load.maxLastView(), load.errors(),
                        cpuFrom < 0 || cpuTo < 0 || ops == 0 ? Double.NaN : (cpuTo - cpuFrom) / 1_000.0 / ops);
                System.out.printf(Locale.ROOT, "%-16s %-38s %10.1f ops/s  (%d replies in %d s; clients reached view %d%s)%n",
                        attack, setup, r.opsPerSecond(), ops, seconds, r.views(),
                        load.errors() == 0 ? "" : "; " + load.errors() + " calls FAILED: " + load.firstError());
                return r;
            } finally {
                load.stop();
                if (connections != null) connections.close();
                if (attacker != null) attacker.close();
                if (attackerLoop != null) attackerLoop.close();
            }
        }
    }

    /** The attacker at full strength: a new request every {@code intervalMs}, whatever became of the earlier ones. */
    private static Stoppable flood(BigMacClient attacker, EventLoop loop, byte[] op, long intervalMs) {
        io.bulwark.bft.net.Timer[] current = new io.bulwark.bft.net.Timer[1];
        Runnable[] tick = new Runnable[1];
        tick[0] = () -> {
            attacker.sendUntracked(op);
            current[0] = loop.schedule(intervalMs * 1_000_000, tick[0]);
        };
        current[0] = loop.schedule(0, tick[0]);
        return () -> loop.execute(() -> current[0].cancel());
    }

    /** Something to stop. */
    private interface Stoppable { void cancel(); }

    /** The attacker's closed loop: a new request whenever one completes (normally never: its requests stall). */
    private static void startAttack(BigMacClient attacker, IntFunction<byte[]> op, int index) {
        attacker.client().invokeAsync(op.apply(index), false).whenComplete((r, e) -> {
            if (e == null) startAttack(attacker, op, index);
        });
    }
}
