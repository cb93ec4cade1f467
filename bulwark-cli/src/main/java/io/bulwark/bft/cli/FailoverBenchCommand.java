package io.bulwark.bft.cli;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.service.KvOps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bulwark bench failover} (issue 3, item 5): repeatedly kills the primary of a loaded
 * 4-replica group with SIGKILL and measures how long clients go without a reply certificate: from
 * just before the kill to the first certificate whose replies vouch for a later view. Each trial
 * uses a fresh group of replica processes; the clients run closed loops in this process.
 */
@Command(name = "failover", mixinStandardHelpOptions = true,
        description = "Kill -9 the primary of a loaded 4-replica group, repeatedly; time until clients get replies from the new view.")
final class FailoverBenchCommand implements Callable<Integer> {
    @Option(names = "--trials", defaultValue = "10", description = "Trials, each on a fresh group (default: ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--clients", defaultValue = "4", description = "Closed-loop clients (default: ${DEFAULT-VALUE}).")
    int clientCount;

    @Option(names = "--service", defaultValue = "null", description = "null (0/0 null operations, default) or kv (puts).")
    String service;

    @Option(names = "--warmup-ms", defaultValue = "1500", description = "Steady load this long before the kill (default: ${DEFAULT-VALUE}).")
    long warmupMs;

    @Option(names = "--after-ms",
            description = "Once every client has a new-view reply, keep the load this long; every client must get another reply in it "
                    + "(default: 4 client retransmission timeouts).")
    Long afterMsOption;

    private long afterMs;

    @Option(names = "--timeout-s", defaultValue = "30",
            description = "A trial fails if some client gets no new-view reply within this after the kill (default: ${DEFAULT-VALUE}).")
    long timeoutS;

    @Option(names = "--view-change-timeout-ms", description = "Replicas' base view-change timeout (default: ProtocolConfig's).")
    Long viewChangeTimeoutMs;

    @Option(names = "--client-retransmit-ms", description = "Clients' retransmission timeout (default: ProtocolConfig's).")
    Long clientRetransmitMs;

    @Option(names = "--json", description = "Print {\"trials\":N,\"failover_ms_p50\":X,\"failover_ms_max\":Y} as the last line.")
    boolean json;

    private record Trial(double failoverMs, double allClientsMs, long newView) {}

    @Override
    public Integer call() throws Exception {
        if (trials < 1 || trials > 1000) throw new IllegalArgumentException("--trials must be 1..1000");
        if (clientCount < 1 || clientCount > 256) throw new IllegalArgumentException("--clients must be 1..256");
        ServiceChoice choice = ServiceChoice.parseLoad(service);
        int f = 1;
        ProtocolConfig replicaCfg = ReplicaCommand.protocolConfig(f, ProtocolConfig.DEFAULT_K, viewChangeTimeoutMs);
        ProtocolConfig clientCfg = clientConfig(replicaCfg, clientRetransmitMs);
        afterMs = afterMsOption != null ? afterMsOption : 4 * clientCfg.clientRetransmitMs();
        if (warmupMs < 0 || afterMs < 0 || timeoutS < 1) throw new IllegalArgumentException("--warmup-ms, --after-ms >= 0 and --timeout-s >= 1");
        List<String> replicaArgs = replicaArgs(choice, replicaCfg);
        IntFunction<byte[]> op = operations(choice);
        System.out.printf(Locale.ROOT, "bulwark bench failover: %d trials, each on a fresh group of n=%d replica processes (f=%d) on loopback, "
                        + "service %s, %d closed-loop clients in this process (ordered requests)%n",
                trials, replicaCfg.n(), f, choice == ServiceChoice.kv ? "kv (puts)" : "null (0/0)", clientCount);
        printTimeouts(replicaCfg, clientCfg);
        System.out.printf(Locale.ROOT, "  per trial: steady load >= %d ms (every client served), then SIGKILL (Process.destroyForcibly) of the primary's process;%n"
                        + "  failover time = from just before the kill to the first reply certificate vouching for a later view (BftClient.view);%n"
                        + "  once every client has a new-view reply the load continues %d ms, and every client must get another reply in it;%n"
                        + "  a trial fails after %d s without a new-view reply for every client%n",
                warmupMs, afterMs, timeoutS);
        List<Trial> done = new ArrayList<>();
        int failed = 0;
        for (int t = 1; t <= trials; t++) {
            try {
                Trial r = trial(t, replicaCfg, clientCfg, replicaArgs, op);
                done.add(r);
            } catch (TrialFailed e) {
                failed++;
                System.out.println("trial " + t + ": FAILED: " + e.getMessage());
            }
        }
        double[] ms = done.stream().mapToDouble(Trial::failoverMs).sorted().toArray();
        double[] all = done.stream().mapToDouble(Trial::allClientsMs).sorted().toArray();
        if (ms.length > 0) {
            System.out.printf(Locale.ROOT, "failover over %d trials: first new-view reply p50 %.1f ms, max %.1f ms (min %.1f); "
                            + "every client served again p50 %.1f ms, max %.1f ms; %d trials failed%n",
                    ms.length, median(ms), ms[ms.length - 1], ms[0], median(all), all[all.length - 1], failed);
        } else {
            System.out.println("failover: no trial succeeded (" + failed + " failed)");
        }
        if (json) {
            System.out.println(String.format(Locale.ROOT, "{\"trials\":%d,\"failover_ms_p50\":%s,\"failover_ms_max\":%s,"
                            + "\"all_clients_ms_p50\":%s,\"failed\":%d,\"view_change_timeout_ms\":%d,\"client_retransmit_ms\":%d,\"clients\":%d}",
                    ms.length, num(ms.length == 0 ? Double.NaN : median(ms)), num(ms.length == 0 ? Double.NaN : ms[ms.length - 1]),
                    num(all.length == 0 ? Double.NaN : median(all)), failed, replicaCfg.viewChangeTimeoutMs(), clientCfg.clientRetransmitMs(), clientCount));
        }
        return failed == 0 ? 0 : 1;
    }

    private static final class TrialFailed extends Exception {
        TrialFailed(String m) { super(m); }
    }

    private Trial trial(int t, ProtocolConfig replicaCfg, ProtocolConfig clientCfg, List<String> replicaArgs, IntFunction<byte[]> op)
            throws Exception {
        try (BenchGroup g = new BenchGroup("failover", replicaCfg.f(), clientCfg, i -> replicaArgs, clientCount, 0)) {
            LoadDriver load = new LoadDriver(g.clientLoop, g.clients, op);
            long start = System.nanoTime();
            load.start();
            try {
                await(() -> System.nanoTime() - start >= warmupMs * 1_000_000 && allServed(load), 30_000,
                        "steady load: not every client was served within 30 s", load, g, -1);
                long v0 = load.maxLastView();
                int primary = replicaCfg.primaryOf(v0);
                long pid = g.replicas.process(primary).pid();
                long opsBefore = load.completed();
                long kill = System.nanoTime();
                g.replicas.process(primary).destroyForcibly();
                await(() -> allAboveView(load, v0), timeoutS * 1000, "no reply certificate from a view above " + v0
                        + " for every client within " + timeoutS + " s of the kill", load, g, primary);
                long allAt = System.nanoTime();   // every client has a new-view reply by now
                long[] servedAt = new long[load.clientCount()];
                for (int i = 0; i < servedAt.length; i++) servedAt[i] = load.served(i);
                await(() -> System.nanoTime() - allAt >= afterMs * 1_000_000, afterMs + 1_000, "", load, g, primary);
                for (int i = 0; i < servedAt.length; i++)
                    if (load.served(i) == servedAt[i])
                        throw new TrialFailed("client " + i + " got no reply in the " + afterMs + " ms after every client had a new-view reply" + logs(g, primary));
                g.replicas.process(primary).waitFor(5, TimeUnit.SECONDS);
                load.stop();
                long first = Long.MAX_VALUE, last = 0;
                for (int i = 0; i < load.clientCount(); i++) {
                    long a = load.firstAboveView(i, v0);
                    first = Math.min(first, a);
                    last = Math.max(last, a);
                }
                long newView = load.firstViewAbove(v0);
                long stale = load.completedAtMostViewAfter(v0, kill);
                long following = load.completedAboveViewBetween(v0, first, first + afterMs * 1_000_000);
                long beforeNs = Math.min(afterMs * 1_000_000, kill - start);
                double beforeRate = load.completedBetween(kill - beforeNs, kill) / (beforeNs / 1e9);
                double afterRate = afterMs == 0 ? 0 : following / (afterMs / 1e3);
                Trial r = new Trial((first - kill) / 1e6, (last - kill) / 1e6, newView);
                System.out.printf(Locale.ROOT, "trial %2d: %d ops, then SIGKILL of primary replica %d (pid %d, view %d); first reply certified in view %d after %8.1f ms, "
                                + "every client after %8.1f ms; %d view-%d replies came after the kill; %.0f ops/s in the %d ms after the first new-view reply "
                                + "(%.0f ops/s before the kill)%n",
                        t, opsBefore, primary, pid, v0, newView, r.failoverMs(), r.allClientsMs(), stale, v0, afterRate, afterMs, beforeRate);
                return r;
            } finally {
                load.stop();
            }
        }
    }

    private static boolean allServed(LoadDriver load) {
        for (int i = 0; i < load.clientCount(); i++) if (load.served(i) == 0) return false;
        return true;
    }

    private static boolean allAboveView(LoadDriver load, long v) {
        for (int i = 0; i < load.clientCount(); i++) if (load.lastView(i) <= v) return false;
        return true;
    }

    /** Polls {@code cond} every millisecond until it holds; fails the trial (with the survivors' logs) at the deadline or on a client error. */
    private static void await(BooleanSupplier cond, long timeoutMs, String what, LoadDriver load, BenchGroup g, int dead) throws TrialFailed {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (!cond.getAsBoolean()) {
            if (load.errors() > 0) throw new TrialFailed("a client call failed: " + load.firstError() + logs(g, dead));
            if (System.nanoTime() - deadline > 0) {
                if (what.isEmpty()) return;
                throw new TrialFailed(what + logs(g, dead));
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Stops the group (replicas print their final state when stopped) and returns the survivors' last log lines. */
    private static String logs(BenchGroup g, int dead) {
        g.replicas.close();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < g.n(); i++) {
            if (i == dead) continue;
            b.append("\n--- replica ").append(i).append(" log (last lines) ---\n").append(g.replicas.logTail(i));
        }
        return b.toString();
    }

    // ---- shared with the attack benchmark ----

    static ProtocolConfig clientConfig(ProtocolConfig replicaCfg, Long clientRetransmitMs) {
        if (clientRetransmitMs == null) return replicaCfg;
        if (clientRetransmitMs < 1) throw new IllegalArgumentException("--client-retransmit-ms must be positive");
        return replicaCfg.withTimeouts(replicaCfg.statusIntervalMs(), clientRetransmitMs, replicaCfg.viewChangeTimeoutMs());
    }

    static List<String> replicaArgs(ServiceChoice choice, ProtocolConfig replicaCfg) {
        List<String> a = new ArrayList<>(List.of("--service", choice == ServiceChoice.kv ? "kv" : "null",
                "--view-change-timeout-ms", Long.toString(replicaCfg.viewChangeTimeoutMs())));
        if (choice != ServiceChoice.kv) a.addAll(List.of("--result-size", "0", "--pages", "16"));
        return a;
    }

    static IntFunction<byte[]> operations(ServiceChoice choice) {
        if (choice != ServiceChoice.kv) {
            byte[] empty = new byte[0];
            return i -> empty;
        }
        long[] round = new long[1];   // used on the clients' loop only
        return i -> KvOps.put("bench-" + i, "v" + round[0]++);
    }

    static void printTimeouts(ProtocolConfig replicaCfg, ProtocolConfig clientCfg) {
        // The ordering deadline is the core's (Replica.orderingDeadline: a quarter of the view-change timeout).
        System.out.printf(Locale.ROOT, "  timeouts: view change %d ms at the replicas (doubling with each consecutive view change), "
                        + "ordering deadline %d ms (a backup suspects a primary that leaves a request it knows of unordered this long); "
                        + "client retransmission %d ms (doubling up to %d ms); STATUS every %d ms; K=%d, L=%d; "
                        + "at most %d batches of <= %d requests in flight%n",
                replicaCfg.viewChangeTimeoutMs(), Math.max(1, replicaCfg.viewChangeTimeoutMs() / 4),
                clientCfg.clientRetransmitMs(), clientCfg.clientRetransmitMs() << 4,
                replicaCfg.statusIntervalMs(), replicaCfg.checkpointInterval(), replicaCfg.logSize(),
                replicaCfg.maxInFlightBatches(), replicaCfg.maxBatchRequests());
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String num(double x) { return Double.isNaN(x) ? "null" : String.format(Locale.ROOT, "%.1f", x); }
}
