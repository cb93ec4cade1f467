package io.bulwark.bft.cli;

import io.bulwark.bft.testkit.ReplicaProcesses;
import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.config.ClusterConfigFile;
import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.net.EventLoop;
import io.bulwark.bft.node.BftClient;
import io.bulwark.bft.node.LocalCluster;
import io.bulwark.bft.node.NoRepClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bulwark bench micro}: the paper's micro-benchmark (Table 1, Figure 5; section 6.2.1) on
 * this machine. A null service with argument/result sizes 0/0, 0/4096 and 4096/0; BFT with 4
 * replica processes and NO-REP (the same null service unreplicated over the same transport) in
 * the same run; closed-loop clients from 1 to 100.
 */
@Command(name = "micro", mixinStandardHelpOptions = true,
        description = "Null-operation latency and throughput: BFT (4 replica processes) vs NO-REP, in one run.")
final class MicroBenchCommand implements Callable<Integer> {
    @Option(names = "--clients", split = ",", defaultValue = "1,2,4,8,16,32,64,100",
            description = "Concurrent client counts (default: ${DEFAULT-VALUE}).")
    int[] clientCounts;

    @Option(names = "--workloads", split = ",", defaultValue = "0/0,0/4096,4096/0",
            description = "argument/result sizes in bytes (default: ${DEFAULT-VALUE}).")
    String[] workloads;

    @Option(names = "--seconds", defaultValue = "3", description = "Measured seconds per point (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "1000", description = "Warm-up milliseconds per point (default: ${DEFAULT-VALUE}).")
    int warmupMs;

    @Option(names = "--jit-warmup", defaultValue = "20", description = "Seconds of load at the largest client count on each "
            + "new group before its first measured point (default: ${DEFAULT-VALUE}): five JVMs on two cores keep their C2 compilers "
            + "busy for many seconds, and a point measured before that is mostly the JIT's.")
    int jitWarmupSeconds;

    @Option(names = "--idle-clients", defaultValue = "0", description = "Further clients that connect to the replicas (TLS, "
            + "keys exchanged) and stay idle through the run, 0..2000 (default: ${DEFAULT-VALUE}): the cost of many connected clients "
            + "to the active ones, and each replica's resident memory with them (issue 16 item 6).")
    int idleClients;

    @Option(names = "--tls", defaultValue = "on", description = "on (default), off, or both: BFT rows with TLS 1.3 on every "
            + "connection (system bft) and/or without (system bft-notls), each against a group started that way; NO-REP is plaintext.")
    String tls;

    @Option(names = "--by-digest", defaultValue = "on", description = "on (default), off, or both: BFT rows from replicas whose "
            + "primary names requests of 256 bytes or more by digest in its pre-prepares (system bft; the backups have them from "
            + "their clients) and/or carries every request inside them (system bft-inline), each against a group started that way.")
    String byDigest;

    @Option(names = "--durable", defaultValue = "both", description = "on, off or both (default): BFT rows from replicas with a data dir "
            + "that journal their votes and sync before sending (system bft-durable, what bulwark replica --data-dir runs) and/or "
            + "from replicas that keep nothing on disk (system bft), each against a group started that way, in the same run.")
    String durable;

    @Option(names = "--json", description = "Print the results as one JSON object on the last line.")
    boolean json;

    /** {@code metered}: the processes whose usage per call {@code r} holds, in order. */
    private record Row(String system, String workload, ClosedLoopRun.Result r, List<String> metered) {}

    @Override
    public Integer call() throws Exception {
        int maxClients = 0;
        for (int c : clientCounts) {
            if (c < 1 || c > 1000) throw new IllegalArgumentException("--clients values must be 1..1000");
            maxClients = Math.max(maxClients, c);
        }
        if (seconds < 1) throw new IllegalArgumentException("--seconds must be >= 1");
        if (idleClients < 0 || idleClients > 2000) throw new IllegalArgumentException("--idle-clients must be 0..2000");
        if (jitWarmupSeconds < 0 || warmupMs < 0) throw new IllegalArgumentException("--jit-warmup and --warmup must be >= 0");
        List<Boolean> tlsModes = TlsChoice.parse(tls, true);
        List<Boolean> byDigestModes = switch (byDigest.trim().toLowerCase(Locale.ROOT)) {
            case "on" -> List.of(true);
            case "off" -> List.of(false);
            case "both" -> List.of(true, false);
            default -> throw new IllegalArgumentException("--by-digest must be on, off or both, not '" + byDigest + "'");
        };
        List<Boolean> durableModes = switch (durable.trim().toLowerCase(Locale.ROOT)) {
            case "on" -> List.of(true);
            case "off" -> List.of(false);
            case "both" -> List.of(true, false);
            default -> throw new IllegalArgumentException("--durable must be on, off or both, not '" + durable + "'");
        };
        System.out.println(RunDescription.describe(ReplicaProcesses.childJvmOptions(List.of(), "{id}")));
        System.out.println(MachineSpeed.measure().describe("at start"));
        List<Row> rows = new ArrayList<>();
        List<String> readOnly = new ArrayList<>();
        for (String w : workloads) {
            String[] parts = w.split("/");
            if (parts.length != 2) throw new IllegalArgumentException("workload '" + w + "' is not ARG/RESULT");
            int arg = Integer.parseInt(parts[0]);
            int res = Integer.parseInt(parts[1]);
            if (arg < 0 || arg > 65536 || res < 0 || res > 65536) throw new IllegalArgumentException("sizes must be 0..65536");
            for (boolean tlsOn : tlsModes) {
            for (boolean durableOn : durableModes) {
            for (boolean byDigestOn : byDigestModes) {
            // NO-REP once per workload: it has no TLS, no disk and no pre-prepares.
            boolean withNoRep = tlsOn == tlsModes.get(0) && durableOn == durableModes.get(0) && byDigestOn == byDigestModes.get(0);
            String bftName = (durableOn ? "bft-durable" : "bft") + (tlsOn ? "" : "-notls") + (byDigestOn ? "" : "-inline");
            Path dir = Files.createTempDirectory("bulwark-bench-");
            ClusterConfig cluster = LocalCluster.prepare(dir, 1, maxClients + idleClients, tlsOn);
            Path conf = dir.resolve(ClusterConfigFile.FILE_NAME);
            int norepPort = LocalCluster.freeLoopbackPorts(1).get(0);
            try (ReplicaProcesses procs = CliProcesses.replicas(); ReplicaProcesses norep = CliProcesses.replicas();
                 EventLoop loop = EventLoop.start("bulwark-bench-clients")) {
                for (int i = 0; i < cluster.n(); i++) {
                    List<String> args = new ArrayList<>(List.of("--service", "null", "--result-size", Integer.toString(res), "--pages", "16"));
                    if (durableOn) args.addAll(List.of("--data-dir", Files.createDirectories(dir.resolve("data-" + i)).toString(), "--durable", "on"));
                    if (!byDigestOn) args.addAll(List.of("--request-by-digest-bytes", "0"));
                    procs.start(conf, i, args);
                }
                if (withNoRep) CliProcesses.startNoRep(norep, dir, norepPort, res);
                procs.awaitReady(60_000);
                if (withNoRep) norep.awaitReady(60_000);
                ProtocolConfig cfg = ProtocolConfig.defaults(1);
                List<BftClient> bft = new ArrayList<>();
                for (int c = 0; c < maxClients; c++) bft.add(BftClient.connect(KeyMaterial.load(dir, cluster.n() + c), cfg, loop));
                for (BftClient c : bft) if (!c.awaitConnected(Duration.ofSeconds(30))) throw new IOException("client could not connect");
                List<BftClient> idle = new ArrayList<>();
                for (int c = 0; c < idleClients; c++) idle.add(BftClient.connect(KeyMaterial.load(dir, cluster.n() + maxClients + c), cfg, loop));
                for (BftClient c : idle) if (!c.awaitConnected(Duration.ofSeconds(120))) throw new IOException("idle client could not connect");
                if (idleClients > 0)
                    System.out.printf(Locale.ROOT, "%-9s %-9s %d idle clients connected; replica resident memory (MiB):%s%n", bftName, w, idleClients, procs.residentMiBSummary());
                List<NoRepClient> plain = new ArrayList<>();
                for (int c = 0; withNoRep && c < maxClients; c++) plain.add(new NoRepClient(loop, 1 + c, new InetSocketAddress("127.0.0.1", norepPort)));
                for (NoRepClient c : plain) c.connected().get(30, TimeUnit.SECONDS);
                byte[] op = new byte[arg];
                ProcessMeter bftMeter = new ProcessMeter(), norepMeter = new ProcessMeter();
                for (int i = 0; i < cluster.n(); i++) bftMeter.add("r" + i, procs.process(i).toHandle());
                bftMeter.add("clients", ProcessHandle.current());
                // Batches replica 0 executed, asked through the protocol (STATUS-QUERY) by one of the
                // bench's clients: requests per batch is what the BFT points' CPU per request follows.
                bftMeter.count("batches", ExecutedBatches.askedBy(bft.get(0)));
                if (withNoRep) norepMeter.add("norep", norep.process(0).toHandle()).add("clients", ProcessHandle.current());
                // Warm every JVM's JIT at full load before the first measured point, or the
                // single-client figures (measured first) would include compilation.
                ClosedLoopRun.run(bftCalls(bft, maxClients, op, false), 0, jitWarmupSeconds * 1000L);
                if (withNoRep) ClosedLoopRun.run(norepCalls(plain, maxClients, op), 0, jitWarmupSeconds * 1000L);
                for (int count : clientCounts) {
                    rows.add(point(bftName, w, bftCalls(bft, count, op, false), bftMeter));
                    if (withNoRep) rows.add(point("norep", w, norepCalls(plain, count, op), norepMeter));
                }
                if (arg == 0 && res == 0) {
                    ClosedLoopRun.Result ro = ClosedLoopRun.run(bftCalls(bft, 1, op, true), warmupMs, seconds * 1000L);
                    System.out.printf(Locale.ROOT, "%-9s %-9s clients=%3d  read-only latency p50=%8.1f us  p99=%8.1f us%n", bftName, w, 1, ro.p50Micros(), ro.p99Micros());
                    readOnly.add(String.format(Locale.ROOT, "{\"system\":\"%s\",\"workload\":\"%s\",\"clients\":1,\"latency_us_p50\":%.1f,\"latency_us_p99\":%.1f}",
                            bftName, w, ro.p50Micros(), ro.p99Micros()));
                }
                System.out.printf(Locale.ROOT, "%-9s %-9s after the run, %d clients connected (%d idle); replica resident memory (MiB):%s%n",
                        bftName, w, maxClients + idleClients, idleClients, procs.residentMiBSummary());
                System.out.printf(Locale.ROOT, "%-9s %-9s requests by digest:%s%n", bftName, w, RequestsByDigestCounts.askedBy(bft.get(0), cluster.n()));
                if (durableOn) System.out.printf(Locale.ROOT, "%-9s %-9s journal over the replica's life:%s%n", bftName, w, JournalCounts.askedBy(bft.get(0), cluster.n()));
                for (BftClient c : bft) c.close();
                for (BftClient c : idle) c.close();
                for (NoRepClient c : plain) loop.submit(() -> { c.close(); return null; }).join();
            }
            }
            }
            }
        }
        System.out.println(MachineSpeed.measure().describe("at end"));
        summarize(rows);
        if (json) {
            StringBuilder b = new StringBuilder("{\"rows\":[");
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                if (i > 0) b.append(',');
                double perBatch = r.r().opsPerCount(0);
                b.append(String.format(Locale.ROOT, "{\"system\":\"%s\",\"workload\":\"%s\",\"clients\":%d,\"ops_per_s\":%.0f,\"latency_us_p50\":%.1f,\"latency_us_p99\":%.1f,%s\"per_op\":{",
                        r.system(), r.workload(), r.r().clients(), r.r().opsPerSecond(), r.r().p50Micros(), r.r().p99Micros(),
                        Double.isNaN(perBatch) ? "" : String.format(Locale.ROOT, "\"requests_per_batch\":%.1f,", perBatch)));
                for (int k = 0; k < r.metered().size(); k++) {
                    if (k > 0) b.append(',');
                    b.append('"').append(r.metered().get(k)).append("\":{\"cpu_us\":").append(jsonNumber(r.r().cpuMicrosPerOp(k)))
                            .append(",\"syscalls\":").append(jsonNumber(r.r().syscallsPerOp(k))).append('}');
                }
                b.append("}}");
            }
            b.append("],\"read_only\":[").append(String.join(",", readOnly)).append("]}");
            System.out.println(b);
        }
        return 0;
    }

    private Row point(String system, String workload, List<Supplier<CompletableFuture<byte[]>>> calls, ProcessMeter meter) throws InterruptedException {
        ClosedLoopRun.Result r = ClosedLoopRun.run(calls, warmupMs, seconds * 1000L, meter);
        StringBuilder perProcess = new StringBuilder();
        for (int k = 0; k < meter.names().size(); k++)
            perProcess.append(String.format(Locale.ROOT, " %s %.0f/%.1f", meter.names().get(k), r.cpuMicrosPerOp(k), r.syscallsPerOp(k)));
        if (meter.counterNames().contains("batches")) {
            double perBatch = r.opsPerCount(meter.counterNames().indexOf("batches"));
            perProcess.append(Double.isNaN(perBatch) ? "; requests per batch unknown" : String.format(Locale.ROOT, "; %.1f requests per batch", perBatch));
        }
        System.out.printf(Locale.ROOT, "%-9s %-9s clients=%3d  %9.0f ops/s  p50=%8.1f us  p99=%8.1f us  cpu us/syscalls per op:%s%n",
                system, workload, r.clients(), r.opsPerSecond(), r.p50Micros(), r.p99Micros(), perProcess);
        return new Row(system, workload, r, meter.names());
    }

    private static List<Supplier<CompletableFuture<byte[]>>> bftCalls(List<BftClient> cs, int count, byte[] op, boolean readOnly) {
        List<Supplier<CompletableFuture<byte[]>>> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            BftClient c = cs.get(i);
            calls.add(() -> c.invokeAsync(op, readOnly));
        }
        return calls;
    }

    private static List<Supplier<CompletableFuture<byte[]>>> norepCalls(List<NoRepClient> cs, int count, byte[] op) {
        List<Supplier<CompletableFuture<byte[]>>> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            NoRepClient c = cs.get(i);
            calls.add(() -> c.invokeAsync(op));
        }
        return calls;
    }

    /** The targets for this machine, computed from this run's rows (reported, never asserted). */
    private static void summarize(List<Row> rows) {
        Row bft1 = find(rows, "bft", "0/0", 1), norep1 = find(rows, "norep", "0/0", 1);
        if (bft1 != null && norep1 != null && norep1.r().p50Micros() > 0)
            System.out.printf(Locale.ROOT, "0/0 single-client latency: BFT/NO-REP = %.1fx (p50)%n", bft1.r().p50Micros() / norep1.r().p50Micros());
        double bftPeak = 0, norepPeak = 0;
        for (Row r : rows) {
            if (!r.workload().equals("0/0")) continue;
            if (r.system().equals("bft")) bftPeak = Math.max(bftPeak, r.r().opsPerSecond());
            else if (r.system().equals("norep")) norepPeak = Math.max(norepPeak, r.r().opsPerSecond());
        }
        if (norepPeak > 0) System.out.printf(Locale.ROOT, "0/0 peak throughput: BFT %.0f ops/s, NO-REP %.0f ops/s, ratio %.2f%n", bftPeak, norepPeak, bftPeak / norepPeak);
        // --durable both: the cost of journaling at each point, and at the peak (issue 12 item 8).
        double durablePeak = 0, volatilePeak = 0;
        for (Row r : rows) {
            if (!r.workload().equals("0/0")) continue;
            if (r.system().equals("bft-durable")) durablePeak = Math.max(durablePeak, r.r().opsPerSecond());
            if (r.system().equals("bft")) volatilePeak = Math.max(volatilePeak, r.r().opsPerSecond());
        }
        for (Row d : rows) {
            if (!d.system().startsWith("bft-durable")) continue;
            Row v = find(rows, d.system().replace("bft-durable", "bft"), d.workload(), d.r().clients());
            if (v == null || v.r().p50Micros() <= 0 || v.r().opsPerSecond() <= 0) continue;
            System.out.printf(Locale.ROOT, "durability cost %-9s clients=%3d: p50 %.2fx, throughput %.2fx of not durable%n", d.workload(), d.r().clients(),
                    d.r().p50Micros() / v.r().p50Micros(), d.r().opsPerSecond() / v.r().opsPerSecond());
        }
        if (durablePeak > 0 && volatilePeak > 0)
            System.out.printf(Locale.ROOT, "0/0 peak throughput durable / not durable: %.0f / %.0f ops/s = %.2f%n", durablePeak, volatilePeak, durablePeak / volatilePeak);
        // Issue 16 item 2: large requests against null ones, per BFT system (the aim: within 1.5x).
        for (Row big : rows) {
            if (!big.system().startsWith("bft") || !big.workload().equals("4096/0")) continue;
            Row small = find(rows, big.system(), "0/0", big.r().clients());
            if (small == null || small.r().p50Micros() <= 0 || big.r().opsPerSecond() <= 0) continue;
            System.out.printf(Locale.ROOT, "%s 4096/0 against 0/0, clients=%3d: p50 %.2fx, throughput %.2fx%n", big.system(), big.r().clients(),
                    big.r().p50Micros() / small.r().p50Micros(), big.r().opsPerSecond() / small.r().opsPerSecond());
        }
        for (Row inline : rows) {
            if (!inline.system().endsWith("-inline")) continue;
            Row on = find(rows, inline.system().replace("-inline", ""), inline.workload(), inline.r().clients());
            if (on == null || on.r().p50Micros() <= 0 || inline.r().opsPerSecond() <= 0) continue;
            System.out.printf(Locale.ROOT, "by digest %-9s clients=%3d: p50 %.2fx, throughput %.2fx of inline%n", inline.workload(), inline.r().clients(),
                    on.r().p50Micros() / inline.r().p50Micros(), on.r().opsPerSecond() / inline.r().opsPerSecond());
        }
        // --tls both: the cost of TLS at each point measured both ways (same run, same machine).
        for (Row on : rows) {
            if (!on.system().equals("bft")) continue;
            Row off = find(rows, "bft-notls", on.workload(), on.r().clients());
            if (off == null || off.r().p50Micros() <= 0 || off.r().opsPerSecond() <= 0) continue;
            System.out.printf(Locale.ROOT, "TLS cost %-9s clients=%3d: p50 %.2fx, throughput %.2fx of without TLS%n", on.workload(), on.r().clients(),
                    on.r().p50Micros() / off.r().p50Micros(), on.r().opsPerSecond() / off.r().opsPerSecond());
        }
    }

    private static String jsonNumber(double v) { return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.1f", v); }

    private static Row find(List<Row> rows, String system, String workload, int clients) {
        for (Row r : rows) if (r.system().equals(system) && r.workload().equals(workload) && r.r().clients() == clients) return r;
        return null;
    }
}
