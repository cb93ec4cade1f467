package io.bulwark.bft.cli;

import io.bulwark.bft.config.ClusterConfigFile;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.node.BftClient;
import io.bulwark.bft.service.FillService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bulwark bench recovery} (issue 12 item 8; the paper's Tables 4 and 5): the time a proactive
 * recovery takes, by phase, for each state size, and what recoveries cost the clients.
 * <p>
 * Per state size: a fresh group of four replica processes with the fill service over the state, a
 * data dir each, journals on; clients write a tenth of the pages, then keep writing one page per
 * request (closed loop) for the rest of the run. Then, three times, replica 3 (a backup) is rebooted
 * as its recovery monitor does it — SIGTERM, wait for the exit ({@code save_s}), start it again from
 * the installed code and wait for its ready line ({@code restart_s}: JVM start, the saved state
 * loaded and checked page by page, the journal replayed, the NEW-KEY made: {@code new_key_s} of it)
 * — and its log gives the protocol's phases: {@code estimation_s}, {@code request_s} (the recovery
 * request ordered and answered by 2f+1) and {@code fetch_check_s} (the checkpoint at the recovery
 * point stable: state checked, what is stale fetched). {@code total_s} is from the SIGTERM to
 * recovered. The median trial is reported.
 * <p>
 * Overhead: throughput over a window of T_w seconds in which each of the four replicas is rebooted
 * once, T_w/4 apart (as staggered monitors would), against the same window without reboots, in the
 * same group. T_w is the smallest period that avoids overlapping recoveries: 4 × the slowest measured
 * recovery, rounded up to a second (at least 10 s, the spacing rule). The window of vulnerability is
 * T_v = 2 T_k + T_r with T_r = T_w + total (a fault just after a recovery waits a period for the next).
 */
@Command(name = "recovery", mixinStandardHelpOptions = true,
        description = "Proactive recovery by phase for each state size, and the throughput cost of periodic recoveries.")
final class RecoveryBenchCommand implements Callable<Integer> {
    private static final Pattern COMPLETE = Pattern.compile(
            "recovery complete in (\\d+) ms \\(estimation (\\d+) ms, recovery request (\\d+) ms, state checked and checkpoint at H stable (\\d+) ms\\)");
    private static final Pattern NEW_KEY = Pattern.compile("new key made in ([0-9.]+) ms");

    @Option(names = "--state-mb", split = ",", defaultValue = "200,1024", description = "State sizes in MiB (default: ${DEFAULT-VALUE}).")
    int[] stateMb;

    @Option(names = "--trials", defaultValue = "3", description = "Reboots of replica 3 per size; the median is reported (default: ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--clients", defaultValue = "4", description = "Closed-loop clients writing one page per request (default: ${DEFAULT-VALUE}).")
    int clientCount;

    @Option(names = "--overhead", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also measure the overhead of periodic recoveries on the smallest state (default: ${DEFAULT-VALUE}).")
    boolean overhead;

    @Option(names = "--heap", defaultValue = "3g", description = "The replica JVMs' -Xmx (default: ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--json", description = "Print one JSON object as the last line.")
    boolean json;

    private record Phases(double save, double restart, double newKey, double estimation, double request, double fetchCheck, double total) {}

    @Override
    public Integer call() throws Exception {
        if (trials < 1 || trials > 50) throw new IllegalArgumentException("--trials must be 1..50");
        if (clientCount < 1 || clientCount > 64) throw new IllegalArgumentException("--clients must be 1..64");
        for (int mb : stateMb) if (mb < 1 || mb > 4096) throw new IllegalArgumentException("--state-mb values must be 1..4096");
        System.out.printf(Locale.ROOT, "bulwark bench recovery: 4 replica processes (f=1) on loopback, fill service, data dirs, journals on, -Xmx%s;"
                + " %d clients writing one page per request; replica 3 rebooted %d times per size (median reported); %d cores seen by the JVM%n",
                heap, clientCount, trials, Runtime.getRuntime().availableProcessors());
        StringBuilder rows = new StringBuilder();
        double slowest = 0;
        for (int mb : stateMb) {
            Phases p = measure(mb);
            slowest = Math.max(slowest, p.total);
            System.out.printf(Locale.ROOT, "  %5d MiB: save %.2f s, restart %.2f s (new key %.3f s), estimation %.2f s, request %.2f s, "
                    + "fetch/check %.2f s, total %.2f s%n", mb, p.save, p.restart, p.newKey, p.estimation, p.request, p.fetchCheck, p.total);
            if (rows.length() > 0) rows.append(',');
            rows.append(String.format(Locale.ROOT, "{\"state_mb\":%d,\"save_s\":%.3f,\"restart_s\":%.3f,\"new_key_s\":%.4f,\"estimation_s\":%.3f,"
                    + "\"request_s\":%.3f,\"fetch_check_s\":%.3f,\"total_s\":%.3f}", mb, p.save, p.restart, p.newKey, p.estimation, p.request, p.fetchCheck, p.total));
        }
        String overheadJson = "";
        if (overhead) {
            long periodS = Math.max(10, (long) Math.ceil(4 * slowest));
            double[] o = overhead(stateMb[0], periodS);
            double tk = io.bulwark.bft.node.ReplicaNode.DEFAULT_KEY_REFRESH_MS / 1000.0;
            double window = 2 * tk + periodS + slowest;
            System.out.printf(Locale.ROOT, "  overhead at T_w = %d s (%d MiB): %.0f ops/s without recoveries, %.0f with one recovery per replica -> "
                    + "overhead %.3f; window of vulnerability T_v = 2T_k + T_r = %.0f s (T_k %.0f s, T_r = T_w + recovery %.1f s)%n",
                    periodS, stateMb[0], o[0], o[1], 1 - o[1] / o[0], window, tk, slowest);
            overheadJson = String.format(Locale.ROOT, ",\"watchdog_period_s\":%d,\"ops_per_s_without\":%.1f,\"ops_per_s_with\":%.1f,\"overhead\":%.4f,"
                    + "\"window_of_vulnerability_s\":%.1f", periodS, o[0], o[1], 1 - o[1] / o[0], window);
        }
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        if (json) System.out.printf(Locale.ROOT, "{\"rows\":[%s]%s,\"load_average\":%.2f}%n", rows, overheadJson, load);
        return 0;
    }

    private List<String> replicaArgs(Path dir, int id, int pages) {
        return List.of("--service", "fill", "--pages", Integer.toString(pages), "--data-dir", dir.resolve("data-" + id).toString());
    }

    /** A group over {@code mb} MiB with a tenth of it written, and a closed-loop load counting completed writes. */
    private final class Loaded implements AutoCloseable {
        final BenchGroup group;
        final int pages;
        final AtomicLong completed = new AtomicLong();
        final AtomicBoolean stop = new AtomicBoolean();
        final List<Thread> writers = new ArrayList<>();

        Loaded(int mb) throws Exception {
            pages = mb * 256;
            Path[] dirHolder = new Path[1];
            ProtocolConfig cfg = ReplicaCommand.protocolConfig(1, ProtocolConfig.DEFAULT_K, null);
            group = new BenchGroup("recovery", 1, cfg, id -> {
                try {
                    if (dirHolder[0] == null) dirHolder[0] = Files.createTempDirectory("bulwark-recovery-data-");
                    Files.createDirectories(dirHolder[0].resolve("data-" + id));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return replicaArgs(dirHolder[0], id, pages);
            }, clientCount, 0, List.of("-Xmx" + heap));
            dataRoot = dirHolder[0];
            // A tenth of the state written, 64 pages a request.
            List<CompletableFuture<byte[]>> writes = new ArrayList<>();
            int target = pages / 10, per = 64;
            for (int first = 0, r = 0; first < target; first += per, r++) {
                int count = Math.min(per, target - first);
                writes.add(group.clients.get(r % group.clients.size()).invokeAsync(FillService.write(first * 10 % (pages - count + 1), count, r), false));
                if (writes.size() >= 64) { for (var w : writes) FillService.resultValue(w.get(300, TimeUnit.SECONDS)); writes.clear(); }
            }
            for (var w : writes) FillService.resultValue(w.get(300, TimeUnit.SECONDS));
            for (BftClient c : group.clients) {
                Thread t = new Thread(() -> {
                    long seed = c.id() * 1_000_003L;
                    while (!stop.get()) {
                        try {
                            int page = (int) Math.floorMod(seed * 31, (long) pages);
                            FillService.resultValue(c.invoke(FillService.write(page, 1, seed++), false, java.time.Duration.ofSeconds(120)));
                            completed.incrementAndGet();
                        } catch (Exception e) {
                            if (!stop.get()) System.err.println("bulwark bench recovery: a write failed: " + e.getMessage());
                        }
                    }
                }, "recovery-load-" + c.id());
                t.setDaemon(true);
                t.start();
                writers.add(t);
            }
        }

        Path dataRoot;

        /** Reboots replica {@code id} as its monitor would and returns its phases once it is recovered. */
        Phases reboot(int id, int process) throws Exception {
            Path conf = group.dir.resolve(ClusterConfigFile.FILE_NAME);
            Process p = group.replicas.process(process);
            long t0 = System.nanoTime();
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) throw new IllegalStateException("replica " + id + " did not stop within 60 s");
            long stopped = System.nanoTime();
            group.replicas.start(conf, id, replicaArgs(dataRoot, id, pages));
            Path log = group.replicas.log(group.replicas.count() - 1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
            long ready = 0;
            Matcher done = null;
            while (System.nanoTime() < deadline) {
                String text = Files.exists(log) ? Files.readString(log) : "";
                if (ready == 0 && text.contains(ReplicaCommand.READY)) ready = System.nanoTime();
                Matcher m = COMPLETE.matcher(text);
                if (m.find()) { done = m; break; }
                Thread.sleep(20);   // polling a log file: nothing to wait on
            }
            long end = System.nanoTime();
            if (done == null || ready == 0) throw new IllegalStateException("replica " + id + " did not recover within 600 s:\n" + group.replicas.logTail(group.replicas.count() - 1));
            String text = Files.readString(log);
            Matcher k = NEW_KEY.matcher(text);
            double newKey = k.find() ? Double.parseDouble(k.group(1)) / 1000 : Double.NaN;
            double restart = (ready - stopped) / 1e9;
            double protocol = Long.parseLong(done.group(1)) / 1000.0;
            return new Phases((stopped - t0) / 1e9, restart, newKey, Long.parseLong(done.group(2)) / 1000.0, Long.parseLong(done.group(3)) / 1000.0,
                    Long.parseLong(done.group(4)) / 1000.0, Math.max((end - t0) / 1e9, (stopped - t0) / 1e9 + restart + protocol));
        }

        @Override public void close() {
            stop.set(true);
            for (Thread t : writers) {
                try {
                    t.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            group.close();
            if (dataRoot != null) BenchGroup.deleteTree(dataRoot);
        }
    }

    private Phases measure(int mb) throws Exception {
        try (Loaded g = new Loaded(mb)) {
            List<Phases> all = new ArrayList<>();
            int process = 3;
            for (int t = 0; t < trials; t++) {
                Thread.sleep(2_000);   // steady load between reboots (a pause, not a wait for a condition)
                all.add(g.reboot(3, process));
                process = g.group.replicas.count() - 1;
            }
            all.sort(java.util.Comparator.comparingDouble(Phases::total));
            return all.get(all.size() / 2);
        }
    }

    /** Throughput without reboots and with each replica rebooted once, T_w / 4 apart, over windows of {@code periodS}. */
    private double[] overhead(int mb, long periodS) throws Exception {
        try (Loaded g = new Loaded(mb)) {
            Thread.sleep(2_000);
            long c0 = g.completed.get(), t0 = System.nanoTime();
            Thread.sleep(periodS * 1000);   // the baseline window: steady load, no reboot
            double without = (g.completed.get() - c0) / ((System.nanoTime() - t0) / 1e9);
            int[] process = {0, 1, 2, 3};
            long c1 = g.completed.get(), t1 = System.nanoTime();
            long slot = periodS * 1000 / 4;
            for (int id = 0; id < 4; id++) {
                long startAt = t1 + TimeUnit.MILLISECONDS.toNanos(id * slot);
                long wait = startAt - System.nanoTime();
                if (wait > 0) Thread.sleep(wait / 1_000_000);
                g.reboot(id, process[id]);
            }
            long end = t1 + TimeUnit.SECONDS.toNanos(periodS);
            long wait = end - System.nanoTime();
            if (wait > 0) Thread.sleep(wait / 1_000_000);
            double with = (g.completed.get() - c1) / ((System.nanoTime() - t1) / 1e9);
            return new double[] {without, with};
        }
    }
}
