package io.bulwark.bft.cli;

import io.bulwark.bft.testkit.ReplicaProcesses;
import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.config.ClusterConfigFile;
import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.durable.PrincipalLock;
import io.bulwark.bft.durable.ProcessLock;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.net.EventLoop;
import io.bulwark.bft.node.BftClient;
import io.bulwark.bft.node.LocalCluster;
import io.bulwark.bft.service.KvOps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bulwark cluster}: the demo. Generates fresh keys, starts 3f+1 replica processes on
 * loopback, and drives a key-value workload from a few clients, printing progress every second,
 * until Ctrl-C / SIGTERM (or --duration) — then stops every process.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Start a local replica group (3f+1 processes on loopback) and drive a demo workload.")
final class ClusterCommand implements Callable<Integer> {
    @Option(names = "--f", defaultValue = "1", description = "Faults tolerated; n = 3f+1 replicas (default: ${DEFAULT-VALUE}).")
    int f;

    @Option(names = "--clients", defaultValue = "4", description = "Concurrent demo clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--duration", defaultValue = "0", description = "Stop after this many seconds; 0 runs until Ctrl-C (default).")
    int duration;

    @Option(names = "--dir", description = "Directory for keys, cluster.conf, replica logs and saved states (default: a fresh temporary directory).")
    Path dir;

    private volatile boolean stopping;

    @Override
    public Integer call() throws Exception {
        if (f < 1 || f > 3) throw new IllegalArgumentException("--f must be 1, 2 or 3");
        if (clients < 1 || clients > 64) throw new IllegalArgumentException("--clients must be between 1 and 64");
        Path work = dir != null ? dir : Files.createTempDirectory("bulwark-cluster-");
        if (dir != null && Files.exists(dir.resolve(ClusterConfigFile.FILE_NAME)))
            throw new IllegalArgumentException(dir + " already holds a cluster.conf; choose an empty --dir");
        // Fresh keys of a throwaway group: leave nothing behind, also when stopped by Ctrl-C / SIGTERM.
        if (dir == null) Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(work), "bulwark-cleanup"));
        // One client more than the demo runs: the one the "try it" line offers (a process per client id, issue 12).
        ClusterConfig cluster = LocalCluster.prepare(work, f, clients + 1);
        ClusterConfig.Client tryIt = cluster.clients().get(clients);
        Path conf = work.resolve(ClusterConfigFile.FILE_NAME);
        System.out.printf("bulwark cluster: n=%d replicas (f=%d), %d clients; keys, config and logs in %s%n", cluster.n(), f, clients, work);
        ProtocolConfig cfg = ProtocolConfig.defaults(f);
        List<ProcessLock> locks = new ArrayList<>();
        try (ReplicaProcesses replicas = CliProcesses.replicas(); EventLoop loop = EventLoop.start("bulwark-demo-clients")) {
            // Each replica saves its state under the working directory (fresh: --dir must be empty).
            for (int i = 0; i < cluster.n(); i++) replicas.start(conf, i, List.of("--data-dir", work.resolve("replica-" + i + ".data").toString()));
            replicas.awaitReady(60_000);
            for (int i = 0; i < cluster.n(); i++)
                System.out.printf("  replica %d: pid %d, clients 127.0.0.1:%d, replicas %s:%d%n", i, replicas.process(i).pid(),
                        cluster.replica(i).port(), cluster.replica(i).replicaHost(), cluster.replica(i).replicaPort());
            List<BftClient> cs = new ArrayList<>();
            for (ClusterConfig.Client c : cluster.clients().subList(0, clients)) {
                locks.add(PrincipalLock.acquire(work, cluster, c.id()));
                cs.add(BftClient.connect(KeyMaterial.load(work, c.id()), cfg, loop));
            }
            for (BftClient c : cs) if (!c.awaitConnected(Duration.ofSeconds(30))) throw new IllegalStateException("client " + c.id() + " could not connect");
            System.out.printf("try it:  ./bulwark kv --config %s --client %d get demo-key-0%n", conf, tryIt.id());
            return drive(cs, work);
        } finally {
            for (ProcessLock l : locks) l.close();
            System.out.println("bulwark cluster: stopped all replica processes");
        }
    }

    /** Each client loops: put a fresh value, then read it back with a read-only get, checking it. */
    private int drive(List<BftClient> cs, Path work) throws InterruptedException {
        AtomicLong ops = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        String[] last = {""};
        for (int i = 0; i < cs.size(); i++) loop(cs.get(i), i, 0, ops, errors, latencies, last);
        long start = System.nanoTime();
        long lastOps = 0;
        for (int sec = 1; duration == 0 || sec <= duration; sec++) {
            Thread.sleep(1000);   // progress display cadence, not a synchronisation
            long total = ops.get();
            long[] lat = latencies.stream().mapToLong(Long::longValue).toArray();
            latencies.clear();
            Arrays.sort(lat);
            System.out.printf(Locale.ROOT, "t=%3ds  ops=%8d  (%6d/s)  p50=%6.2f ms  p99=%6.2f ms  errors=%d  last: %s%n",
                    (System.nanoTime() - start) / 1_000_000_000L, total, total - lastOps,
                    pct(lat, 0.50), pct(lat, 0.99), errors.get(), last[0]);
            lastOps = total;
        }
        long failed = errors.get();      // read before closing: closing fails the calls still in flight
        stopping = true;
        for (BftClient c : cs) c.close();
        if (failed > 0) System.err.println("bulwark cluster: " + failed + " demo calls failed or returned a wrong value");
        return failed == 0 ? 0 : 1;
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            System.err.println("bulwark cluster: could not remove " + root + ": " + e.getMessage());
        }
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))] / 1e6;
    }

    private void loop(BftClient c, int client, long round, AtomicLong ops, AtomicLong errors, ConcurrentLinkedQueue<Long> lat, String[] last) {
        String key = "demo-key-" + client;
        String value = "v" + round;
        long t0 = System.nanoTime();
        c.invokeAsync(KvOps.put(key, value), false).thenCompose(r -> {
            long t1 = System.nanoTime();
            lat.add(t1 - t0);
            ops.incrementAndGet();
            return c.invokeAsync(KvOps.get(key), true).thenApply(g -> {
                lat.add(System.nanoTime() - t1);
                ops.incrementAndGet();
                String got = KvOps.describe(g);
                if (!got.equals(value)) errors.incrementAndGet();
                last[0] = "put " + key + "=" + value + ", get -> " + got;
                return g;
            });
        }).whenComplete((g, e) -> {
            if (stopping) return;
            if (e != null) {
                errors.incrementAndGet();
                return;
            }
            loop(c, client, round + 1, ops, errors, lat, last);
        });
    }
}
