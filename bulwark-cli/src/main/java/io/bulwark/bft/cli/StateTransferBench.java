package io.bulwark.bft.cli;

import io.bulwark.bft.testkit.ReplicaProcesses;
import io.bulwark.bft.config.ClusterConfig;
import io.bulwark.bft.config.ClusterConfigFile;
import io.bulwark.bft.config.KeyMaterial;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.net.EventLoop;
import io.bulwark.bft.node.BftClient;
import io.bulwark.bft.node.LocalCluster;
import io.bulwark.bft.node.ReplicaNode;
import io.bulwark.bft.service.FillService;
import io.bulwark.bft.state.PartitionTree;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * State-transfer throughput between real replica processes over loopback TCP (issue 4, item 6,
 * {@code transfer_mb_per_s}): a replica whose state is missing a fraction of the pages fetches them
 * from the others (section 4.6.2).
 * <p>
 * Procedure: fresh keys and loopback ports in a temporary directory; replicas 0..2 start with the
 * {@link FillService} over {@code pages} pages (all zero, so equal digests everywhere); replica 3 is
 * not started. Clients write {@code missingFraction} of the pages through the protocol, in requests
 * of {@code pagesPerRequest} pages spread evenly over the state, then one client sends L + 2K
 * one-at-a-time empty writes, each its own batch, so the group executes past several checkpoints and
 * garbage-collects below its stable checkpoint. Then replica 3 starts fresh (all zero): it is missing
 * exactly the written pages, hears of a stable checkpoint more than L ahead and transfers. The
 * others keep running (f = 1: replica 3 is not needed for liveness); the clients are idle meanwhile,
 * so the target checkpoint does not move.
 * <p>
 * Measured: the replica's own timing, logged by {@link ReplicaNode} when the transfer completes
 * ("state transfer to checkpoint C done: P pages in T ms", from the first event that found the core
 * transferring to the state being replaced). MB/s = P × 4096 / T, with MB = 2^20 bytes. Also
 * reported: the wall time from launching replica 3's JVM to that line (JVM start, hashing its
 * all-zero state, key exchange, learning of the checkpoint, the transfer).
 * <p>
 * Every replica process is stopped and the directory deleted on every path out, failures included.
 */
final class StateTransferBench {
    static final int DEFAULT_PAGES = 262_144;   // 1 GB of 4 KB pages
    private static final Pattern DONE = Pattern.compile(Pattern.quote(ReplicaNode.TRANSFER_DONE)
            + " (\\d+) done: (\\d+) pages in ([0-9.]+) ms \\(event loop CPU ([0-9.]+) ms, process CPU ([0-9.]+) ms");

    /**
     * @param pages             service pages of every replica
     * @param missingFraction   fraction of the pages written while replica 3 is down (what it misses)
     * @param pagesPerRequest   pages one WRITE overwrites
     * @param clients           clients writing concurrently
     * @param replicaHeap       the replica JVMs' -Xmx (the state, copy-on-write copies, fetched pages)
     * @param timeoutS          the transfer must complete within this after replica 3 is launched
     * @param replicaJvmOptions more JVM options for the replica processes (e.g. JFR, for profiling)
     * @param keepLogs          if not null, the replicas' logs are copied into this directory once they stopped
     */
    record Options(int pages, double missingFraction, int pagesPerRequest, int clients, String replicaHeap, long timeoutS,
                   List<String> replicaJvmOptions, Path keepLogs) {
        Options {
            if (pages < 1 || pages > 1 << 20) throw new IllegalArgumentException("--pages must be 1.." + (1 << 20));
            if (!(missingFraction > 0 && missingFraction <= 1)) throw new IllegalArgumentException("--missing-fraction must be in (0, 1]");
            if (pagesPerRequest < 1 || pagesPerRequest > FillService.MAX_PAGES_PER_OP)
                throw new IllegalArgumentException("--pages-per-request must be 1.." + FillService.MAX_PAGES_PER_OP);
            if (clients < 1 || clients > 64) throw new IllegalArgumentException("--clients must be 1..64");
            if (timeoutS < 1) throw new IllegalArgumentException("--timeout-s must be >= 1");
            replicaJvmOptions = List.copyOf(replicaJvmOptions);
        }

        static Options defaults() { return new Options(DEFAULT_PAGES, 0.1, 64, 4, "3g", 600, List.of(), null); }

        Options withPages(int p) {
            return new Options(p, missingFraction, pagesPerRequest, clients, replicaHeap, timeoutS, replicaJvmOptions, keepLogs);
        }

        Options withMissingFraction(double m) {
            return new Options(pages, m, pagesPerRequest, clients, replicaHeap, timeoutS, replicaJvmOptions, keepLogs);
        }
    }

    /**
     * @param mbPerSecond  pages × 4096 / seconds, in MB (2^20 bytes) per second
     * @param pages        pages the transfer fetched (the written pages plus the engine's client-table pages)
     * @param seconds      the transfer's duration as the replica timed it
     * @param written      pages the clients wrote (what replica 3 was missing of the service state)
     * @param checkpoint   the checkpoint it transferred to
     * @param wallSeconds  from launching replica 3's JVM to the transfer's completion
     */
    /**
     * One transfer as the replica timed it, and what it cost in CPU.
     *
     * @param mbPerSecond pages × 4096 / seconds, in MB (2^20 bytes) per second
     * @param pages       pages the transfer fetched (the written pages plus the engine's client-table pages)
     * @param seconds     the transfer's duration as the replica timed it
     * @param checkpoint  the checkpoint it transferred to
     * @param loopCpu     CPU seconds the fetching replica's event loop used during the transfer
     * @param processCpu  CPU seconds its whole process used meanwhile (JIT compilers and GC included)
     * @param groupCpu    CPU seconds all replica processes used from launching (or resuming) the fetcher
     *                    to the benchmark seeing the transfer done, from /proc; NaN where unavailable
     */
    record Transfer(double mbPerSecond, long pages, double seconds, long checkpoint, double loopCpu, double processCpu, double groupCpu) {
        static Transfer of(Matcher m, double groupCpu) {
            long pages = Long.parseLong(m.group(2));
            double seconds = Double.parseDouble(m.group(3)) / 1e3;
            return new Transfer(pages * (double) PartitionTree.PAGE_SIZE / (1 << 20) / seconds, pages, seconds, Long.parseLong(m.group(1)),
                    Double.parseDouble(m.group(4)) / 1e3, Double.parseDouble(m.group(5)) / 1e3, groupCpu);
        }

        String describe() {
            double mb = pages * (double) PartitionTree.PAGE_SIZE / (1 << 20);
            return String.format(Locale.ROOT, "state transfer to checkpoint %d: %d pages (%.1f MB) in %.3f s = %.1f MB/s;%n"
                            + "    CPU: its event loop %.3f s (%.1f us/page), its process %.3f s (JIT and GC included), all replica processes %s",
                    checkpoint, pages, mb, seconds, mbPerSecond, loopCpu, loopCpu * 1e6 / pages, processCpu,
                    Double.isNaN(groupCpu) ? "n/a" : String.format(Locale.ROOT, "%.2f s (%.1f MB per CPU-second)", groupCpu, mb / groupCpu));
        }

        String json(String prefix) {
            return String.format(Locale.ROOT, "\"%stransfer_mb_per_s\":%.1f,\"%spages\":%d,\"%sseconds\":%.3f,\"%sloop_cpu_us_per_page\":%.1f,"
                            + "\"%sprocess_cpu_s\":%.3f,\"%sgroup_cpu_s\":%s",
                    prefix, mbPerSecond, prefix, pages, prefix, seconds, prefix, loopCpu * 1e6 / pages, prefix, processCpu, prefix,
                    Double.isNaN(groupCpu) ? "null" : String.format(Locale.ROOT, "%.3f", groupCpu));
        }
    }

    /**
     * @param fresh       replica 3 launched as a fresh process (cold JVM): the headline figure
     * @param written     pages the clients wrote before each transfer (what replica 3 was missing of the service state)
     * @param wallSeconds from launching replica 3's JVM to the fresh transfer's completion
     * @param lagging     the same replica, its JVM now warm, stopped (SIGSTOP) while the clients rewrote the same
     *                    pages with new bytes and the group moved on, then resumed (SIGCONT); null if not measured
     */
    record Result(Transfer fresh, long written, double wallSeconds, Transfer lagging) {
        double mbPerSecond() { return fresh.mbPerSecond(); }

        String json() {
            return "{" + fresh.json("") + String.format(Locale.ROOT, ",\"written_pages\":%d,\"checkpoint\":%d,\"wall_seconds\":%.3f",
                    written, fresh.checkpoint(), wallSeconds) + (lagging == null ? "" : "," + lagging.json("lagging_")) + "}";
        }
    }

    private StateTransferBench() {}

    /**
     * Runs one measurement on a fresh group, printing progress to {@code out}: the fresh replica's
     * transfer, then (if {@code lagging}) the warm, lagging replica's.
     */
    static Result run(Options o, boolean lagging, boolean warmGroup, PrintStream out) throws Exception {
        ProtocolConfig cfg = ReplicaCommand.protocolConfig(1, ProtocolConfig.DEFAULT_K, null);
        int missing = (int) Math.min(o.pages(), Math.round(o.pages() * o.missingFraction()));
        int requests = (missing + o.pagesPerRequest() - 1) / o.pagesPerRequest();
        int padding = cfg.logSize() + 2 * cfg.checkpointInterval();
        out.printf(Locale.ROOT, "bulwark bench transfer: n=%d replica processes (f=%d) on loopback, service fill, %d pages of %d bytes (%.1f MB) each;%n"
                        + "  replica 3 down while %d clients write %d pages (%.1f%%) in %d requests of <= %d pages spread over the state, then %d one-at-a-time "
                        + "empty writes (L + 2K, K=%d, L=%d);%n%s  then replica 3 starts fresh (all zero) and fetches what it misses%s; replica JVMs: -Xmx%s %s%n"
                        + "  MB/s = pages fetched x 4096 / the transfer's duration as the replica logs it (MB = 2^20 bytes); "
                        + "%d cores, load average %.2f before the run%n",
                cfg.n(), cfg.f(), o.pages(), PartitionTree.PAGE_SIZE, o.pages() * (double) PartitionTree.PAGE_SIZE / (1 << 20),
                o.clients(), missing, 100.0 * missing / o.pages(), requests, o.pagesPerRequest(), padding,
                cfg.checkpointInterval(), cfg.logSize(),
                warmGroup ? "  first, to warm the serving replicas' JVMs as a long-running group's are: replica 3 starts, transfers once (not measured) and is killed (kill -9),\n"
                        + "  and the same pages are written again with new bytes;\n" : "",
                lagging ? ";\n  then, lagging: replica 3 is stopped (SIGSTOP), the same pages are rewritten with new bytes and the group moves on as before, "
                        + "and it is resumed (SIGCONT), its JVM warm" : "",
                o.replicaHeap(), String.join(" ", o.replicaJvmOptions()),
                Runtime.getRuntime().availableProcessors(), java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        out.flush();

        Path dir = Files.createTempDirectory("bulwark-transfer-");
        Thread cleanup = new Thread(() -> BenchGroup.deleteTree(dir), "bulwark-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        List<String> jvm = new ArrayList<>();
        jvm.add("-Xmx" + o.replicaHeap());
        jvm.addAll(o.replicaJvmOptions());
        List<BftClient> clients = new ArrayList<>();
        ReplicaProcesses procs = CliProcesses.replicas(jvm);
        Process stopped = null;
        try (procs; EventLoop loop = EventLoop.start("bulwark-transfer-clients")) {
            try {
                ClusterConfig cluster = LocalCluster.prepare(dir, cfg.f(), o.clients());
                Path conf = dir.resolve(ClusterConfigFile.FILE_NAME);
                List<String> args = List.of("--service", "fill", "--pages", Integer.toString(o.pages()));
                int late = cluster.n() - 1;
                for (int i = 0; i < late; i++) procs.start(conf, i, args);
                procs.awaitReady(180_000);
                for (int c = 0; c < o.clients(); c++) clients.add(BftClient.connect(KeyMaterial.load(dir, cluster.n() + c), cfg, loop));
                for (BftClient c : clients)
                    if (!c.awaitConnected(Duration.ofSeconds(30))) throw new IOException("client " + c.id() + " could not connect within 30 s");

                write(clients, o, missing, requests, padding, 0x5EED, out);
                int transfers = 0;
                if (warmGroup) {
                    out.println("warming the group: starting replica " + late + " for a first transfer");
                    out.flush();
                    procs.start(conf, late, args);
                    Matcher warm = awaitTransfer(procs, late, ++transfers, System.nanoTime() + o.timeoutS() * 1_000_000_000L, o.timeoutS());
                    out.println("  (not measured: " + Transfer.of(warm, Double.NaN).describe().replace("\n", "\n  ") + ")");
                    Process first = procs.process(late);
                    first.destroyForcibly();
                    if (!first.waitFor(30, TimeUnit.SECONDS)) throw new IOException("replica " + late + " did not exit within 30 s of kill -9");
                    write(clients, o, missing, requests, padding, 0xF00D, out);
                }
                out.println("starting replica " + late + (warmGroup ? " again, a fresh process with an all-zero state" : ""));
                out.flush();
                long launched = System.nanoTime();
                double cpu0 = groupCpuSeconds(procs, late);   // the serving replicas'; the new fetcher's counts from its launch
                if (warmGroup) procs.restart(late, conf, late, args); else procs.start(conf, late, args);
                Matcher m1 = awaitTransfer(procs, late, ++transfers, launched + o.timeoutS() * 1_000_000_000L, o.timeoutS());
                Transfer fresh = Transfer.of(m1, groupCpuSeconds(procs, -1) - cpu0);
                double wall = (System.nanoTime() - launched) / 1e9;
                out.printf(Locale.ROOT, "fresh replica %d: %s (%.3f s from launching its JVM: start-up, hashing its all-zero state, "
                        + "learning of the checkpoint, the transfer)%n", late, fresh.describe(), wall);
                out.flush();

                Transfer lag = null;
                if (lagging) {
                    stopped = procs.process(late);
                    signal(stopped, "STOP");
                    write(clients, o, missing, requests, padding, 0xBEEF, out);
                    out.println("resuming replica " + late);
                    out.flush();
                    long resumed = System.nanoTime();
                    double cpu1 = groupCpuSeconds(procs, -1);
                    signal(stopped, "CONT");
                    stopped = null;
                    Matcher m2 = awaitTransfer(procs, late, ++transfers, resumed + o.timeoutS() * 1_000_000_000L, o.timeoutS());
                    lag = Transfer.of(m2, groupCpuSeconds(procs, -1) - cpu1);
                    out.printf(Locale.ROOT, "lagging replica %d: %s (%.3f s from resuming it)%n", late, lag.describe(), (System.nanoTime() - resumed) / 1e9);
                }
                return new Result(fresh, missing, wall, lag);
            } catch (Exception | Error e) {
                if (stopped != null) signal(stopped, "CONT");
                for (int i = 0; i < procs.count(); i++)
                    out.println("--- replica " + i + " log (last lines) ---\n" + procs.logTail(i));
                throw e;
            } finally {
                for (BftClient c : clients) c.close();
            }
        } finally {
            if (o.keepLogs() != null) {
                Files.createDirectories(o.keepLogs());
                for (Path log : procs.logs())
                    if (Files.exists(log)) Files.copy(log, o.keepLogs().resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            BenchGroup.deleteTree(dir);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException ignored) {
                // already shutting down: the hook runs anyway
            }
        }
    }

    /**
     * {@code missing} pages in {@code requests} WRITEs spread evenly over the state, concurrently from
     * every client, then {@code padding} empty writes one at a time (each its own batch).
     */
    private static void write(List<BftClient> clients, Options o, int missing, int requests, int padding, long seed, PrintStream out)
            throws Exception {
        long w0 = System.nanoTime();
        List<CompletableFuture<byte[]>> writes = new ArrayList<>();
        int left = missing;
        for (int r = 0; r < requests; r++) {
            int count = Math.min(o.pagesPerRequest(), left);
            left -= count;
            int first = (int) ((long) r * o.pages() / requests);   // stride >= pagesPerRequest, so the runs never overlap
            writes.add(clients.get(r % clients.size()).invokeAsync(FillService.write(first, count, seed + r), false));
        }
        for (CompletableFuture<byte[]> f : writes) FillService.resultValue(f.get(120, TimeUnit.SECONDS));
        for (int i = 0; i < padding; i++)
            FillService.resultValue(clients.get(0).invokeAsync(FillService.write(0, 0, 0), false).get(60, TimeUnit.SECONDS));
        out.printf(Locale.ROOT, "wrote %d pages in %d requests and sent %d empty writes in %.1f s%n",
                missing, requests, padding, (System.nanoTime() - w0) / 1e9);
    }

    /**
     * CPU seconds (user + system) the replica processes but process {@code skip} (-1: none) used so far, from
     * {@code /proc/PID/stat} (Linux; USER_HZ clock ticks, 10 ms); NaN where it cannot be read.
     */
    private static double groupCpuSeconds(ReplicaProcesses procs, int skip) {
        double total = 0;
        for (int i = 0; i < procs.count(); i++) {
            if (i == skip) continue;
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(procs.process(i).pid()), "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;   // utime, stime: fields 14 and 15 of stat(5)
            } catch (IOException | RuntimeException e) {
                return Double.NaN;
            }
        }
        return total;
    }

    /** Sends SIGSTOP or SIGCONT to one of our replica processes, by its pid. */
    private static void signal(Process p, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0)
            throw new IOException("kill -" + signal + " " + p.pid() + " failed");
    }

    /** Polls replica {@code id}'s log for its {@code nth} transfer line; fails if the process exits or the deadline passes. */
    private static Matcher awaitTransfer(ReplicaProcesses procs, int id, int nth, long deadlineNanos, long timeoutS)
            throws IOException, InterruptedException {
        Path log = procs.log(id);
        while (true) {
            if (Files.exists(log)) {
                Matcher m = DONE.matcher(Files.readString(log));
                for (int found = 0; m.find(); ) if (++found == nth) return m;
            }
            if (!procs.process(id).isAlive())
                throw new IOException("replica " + id + " exited with " + procs.process(id).exitValue() + " before completing a state transfer");
            if (System.nanoTime() - deadlineNanos > 0)
                throw new IOException("replica " + id + " did not complete state transfer " + nth + " within " + timeoutS + " s");
            procs.process(id).waitFor(10, TimeUnit.MILLISECONDS);
        }
    }
}
