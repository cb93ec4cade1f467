package io.bulwark.bft.cli;

import io.bulwark.bft.state.PartitionTree;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bulwark bench state}: the cost of the partition tree (section 4.6.2) on a state of
 * {@code --pages} 4 KB pages (default 262,144 = 1 GiB), in this process: a checkpoint after
 * modifying N random pages (seeded), the digest cost per modified page, and {@code check()} over
 * the whole state. Every page holds seeded random bytes before anything is measured, and each
 * figure is the median of {@code --reps} runs after a warm-up. Last, unless {@code --no-transfer},
 * {@code transfer_mb_per_s}: the in-process tree is dropped and {@link StateTransferBench} runs real
 * replica processes over loopback TCP, one of them missing 10% of a state of the same size.
 * <p>
 * Each figure is one {@link Row}; {@link #call} collects them in order and the table and the JSON
 * line are printed from the list, so another measurement (e.g. {@code transfer_mb_per_s}) is one
 * method returning a Row and one {@code rows.add(...)}.
 */
@Command(name = "state", mixinStandardHelpOptions = true,
        description = "Partition-tree costs on a large state: checkpoint after N modified pages, digest cost per page, full check throughput.")
final class StateBenchCommand implements Callable<Integer> {
    static final long MIB = 1 << 20;

    @Option(names = "--pages", defaultValue = "262144", description = "State size in 4 KB pages (default: ${DEFAULT-VALUE} = 1 GiB).")
    int pages;

    @Option(names = "--modified", split = ",", defaultValue = "1000,100000",
            description = "Pages modified before each timed checkpoint (default: ${DEFAULT-VALUE}); one row checkpoint_ms_N each.")
    int[] modifiedCounts;

    @Option(names = "--reps", defaultValue = "5", description = "Timed runs per figure; the median is reported (default: ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = "--warmup", defaultValue = "30", description = "Untimed 1000-page checkpoints and one check before measuring; each size also gets one untimed round (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for page contents and page choice (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--transfer", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also measure transfer_mb_per_s: 4 replica processes over loopback, one missing --missing-fraction of the "
                    + "pages fetches them (about a minute and 4 JVMs of -Xmx3g at 1 GiB; default: ${DEFAULT-VALUE}; --no-transfer for quick runs).")
    boolean transfer;

    @Option(names = "--transfer-runs", defaultValue = "1",
            description = "Transfers, each on a fresh group; the median is reported (default: ${DEFAULT-VALUE}).")
    int transferRuns;

    @Option(names = "--missing-fraction", defaultValue = "0.1", description = "For the transfer: the fraction of the pages the late replica misses (default: ${DEFAULT-VALUE}).")
    double missingFraction;

    @Option(names = "--json", description = "Print the figures as one JSON object on the last line.")
    boolean json;

    /** One figure: its JSON key, what it is, its value and unit, and the runs it is the median of. */
    record Row(String key, String label, double value, String unit, double[] runs) {}

    private PartitionTree tree;
    private SplittableRandom rnd;
    private long seq;

    @Override
    public Integer call() throws Exception {
        if (pages < 1 || pages > PartitionTree.MAX_PAGES) throw new IllegalArgumentException("--pages must be 1.." + PartitionTree.MAX_PAGES);
        if (reps < 1 || reps > 1000) throw new IllegalArgumentException("--reps must be 1..1000");
        if (warmup < 0) throw new IllegalArgumentException("--warmup must be >= 0");
        if (!(missingFraction > 0 && missingFraction <= 1)) throw new IllegalArgumentException("--missing-fraction must be in (0, 1]");
        if (transferRuns < 1 || transferRuns > 20) throw new IllegalArgumentException("--transfer-runs must be 1..20");
        if (transfer && pages > 1 << 20) throw new IllegalArgumentException("the transfer runs on at most " + (1 << 20) + " pages: use --no-transfer");
        int maxModified = 0;
        for (int m : modifiedCounts) {
            if (m < 1 || m > pages) throw new IllegalArgumentException("--modified values must be 1..--pages (" + pages + ")");
            maxModified = Math.max(maxModified, m);
        }
        requireHeap(maxModified);
        double stateMib = (double) pages * PartitionTree.PAGE_SIZE / MIB;
        System.out.printf(Locale.ROOT, "bulwark bench state: %d pages of %d bytes (%.0f MiB), fan-out %d, SHA-256; %d cores, max heap %d MiB, "
                        + "load average %.2f; seed %d, median of %d runs (untimed round and System.gc() before each figure)%n",
                pages, PartitionTree.PAGE_SIZE, stateMib, PartitionTree.FANOUT, Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() / MIB, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), seed, reps);
        rnd = new SplittableRandom(seed);
        long t0 = System.nanoTime();
        tree = new PartitionTree(pages);
        double buildMs = (System.nanoTime() - t0) / 1e6;
        t0 = System.nanoTime();
        for (int p = 0; p < pages; p++) fill(tree.modify(p), rnd.nextLong());
        double fillMs = (System.nanoTime() - t0) / 1e6;
        t0 = System.nanoTime();
        tree.checkpoint(++seq);
        double fullMs = (System.nanoTime() - t0) / 1e6;
        tree.discardBefore(seq);
        System.out.printf(Locale.ROOT, "setup: empty tree %.0f ms, filling every page %.0f ms, first checkpoint (all %d pages dirty) %.0f ms%n",
                buildMs, fillMs, pages, fullMs);
        if (warmup > 0) {
            for (int i = 0; i < warmup; i++) timedCheckpoint(Math.min(1000, pages));
            tree.check();
        }
        System.gc();   // the filled state leaves the young generation before anything is timed

        List<Row> rows = new ArrayList<>();
        Row largest = null;
        for (int m : modifiedCounts) {
            Row r = checkpointRow(m);
            rows.add(r);
            if (largest == null || m >= maxModified) largest = r;
        }
        rows.add(perPageRow(largest, maxModified));
        rows.addAll(checkRows(stateMib));
        if (transfer) {
            tree = null;   // the replica processes need the memory, not this process
            System.gc();
            rows.addAll(transferRows());
        }

        print(rows);
        if (json) System.out.println(json(rows));
        return 0;
    }

    // ---- measurements ----

    /**
     * One untimed round first: in steady state the arrays that copy-on-write needs come from the
     * copies the previous discard freed, and the first round at a new size allocates them. Then a
     * full GC, so that moving those fresh arrays out of the young generation (hundreds of MB at
     * 100,000 pages) is not charged to whichever timed checkpoint happens to trigger it.
     */
    private Row checkpointRow(int modified) {
        timedCheckpoint(modified);
        System.gc();
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) ms[i] = timedCheckpoint(modified);
        return row("checkpoint_ms_" + modified, "checkpoint after modifying " + modified + " random pages", "ms", ms);
    }

    private static Row perPageRow(Row checkpoint, int modified) {
        double[] us = Arrays.stream(checkpoint.runs()).map(ms -> ms * 1000 / modified).toArray();
        return row("digest_update_us_per_page", "checkpoint cost per modified page (from the " + modified + "-page checkpoints)", "us", us);
    }

    /**
     * check() by the wall clock, and per CPU-second of this process (all its threads, GC and JIT
     * included): on a machine shared with other work the second shows what the cores would give.
     */
    private List<Row> checkRows(double stateMib) {
        double[] rate = new double[reps], perCpu = new double[reps];
        for (int i = 0; i < reps; i++) {
            long cpu0 = processCpuNanos(), t0 = System.nanoTime();
            int bad = tree.check().cardinality();
            double s = (System.nanoTime() - t0) / 1e9, cpu = (processCpuNanos() - cpu0) / 1e9;
            if (bad != 0) throw new IllegalStateException("check() found " + bad + " corrupt pages in an intact state");
            rate[i] = stateMib / s;
            perCpu[i] = cpu > 0 ? stateMib / cpu : Double.NaN;
        }
        return List.of(row("check_mb_per_s", "check(): every page re-hashed against its digest (MiB = 2^20 B)", "MiB/s", rate),
                row("check_mb_per_cpu_s", "the same per CPU-second this process used", "MiB/cs", perCpu));
    }

    /** State transfers between real processes, each on a fresh group (see {@link StateTransferBench}): the fresh replica's figures. */
    private List<Row> transferRows() throws Exception {
        StateTransferBench.Options o = StateTransferBench.Options.defaults().withPages(pages).withMissingFraction(missingFraction);
        double[] rate = new double[transferRuns], loop = new double[transferRuns];
        long fetched = 0;
        for (int i = 0; i < transferRuns; i++) {
            StateTransferBench.Transfer t = StateTransferBench.run(o, false, true, System.out).fresh();
            rate[i] = t.mbPerSecond();
            loop[i] = t.loopCpu() * 1e6 / t.pages();
            fetched = t.pages();
        }
        return List.of(row("transfer_mb_per_s", "state transfer: " + fetched + " pages fetched by a fresh replica process over loopback TCP "
                                + "(MiB = 2^20 B, its own timing)", "MiB/s", rate),
                row("transfer_loop_cpu_us_per_page", "the fetching replica's event-loop CPU per page", "us", loop));
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }

    /**
     * Modifies {@code count} distinct random pages (one byte each), then times checkpoint(). Only
     * the newest checkpoint is kept, so the copies made by the modifications are the only extra memory.
     */
    private double timedCheckpoint(int count) {
        for (int p : distinctPages(count)) {
            byte[] page = tree.modify(p);
            page[rnd.nextInt(PartitionTree.PAGE_SIZE)]++;
        }
        long t0 = System.nanoTime();
        tree.checkpoint(++seq);
        double ms = (System.nanoTime() - t0) / 1e6;
        tree.discardBefore(seq);
        return ms;
    }

    private int[] distinctPages(int count) {
        if (count * 2L > pages) {   // dense: a seeded shuffle
            int[] all = new int[pages];
            for (int i = 0; i < pages; i++) all[i] = i;
            for (int i = 0; i < count; i++) {
                int j = i + rnd.nextInt(pages - i);
                int t = all[i];
                all[i] = all[j];
                all[j] = t;
            }
            return Arrays.copyOf(all, count);
        }
        java.util.BitSet chosen = new java.util.BitSet(pages);
        int[] out = new int[count];
        for (int i = 0; i < count; ) {
            int p = rnd.nextInt(pages);
            if (!chosen.get(p)) {
                chosen.set(p);
                out[i++] = p;
            }
        }
        return out;
    }

    private static void fill(byte[] page, long seed) {
        LongBuffer b = ByteBuffer.wrap(page).asLongBuffer();
        long x = seed | 1;
        while (b.hasRemaining()) {   // xorshift64: cheap, never zero
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b.put(x);
        }
    }

    /** Fails early, and says how to fix it, when the heap cannot hold the state and the copies. */
    private void requireHeap(int maxModified) {
        long need = (long) pages * (PartitionTree.PAGE_SIZE + 200) + (long) maxModified * (PartitionTree.PAGE_SIZE + 200) + 256 * MIB;
        long max = Runtime.getRuntime().maxMemory();
        if (max < need)
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%d pages need about %d MiB of heap (state + copies of %d modified pages), this JVM has %d MiB: "
                            + "run with BULWARK_JAVA_OPTS=-Xmx%dm or use fewer --pages", pages, need / MIB, maxModified, max / MIB, need / MIB + 512));
    }

    // ---- output ----

    private static Row row(String key, String label, String unit, double[] runs) {
        double[] sorted = runs.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Row(key, label, median, unit, runs);
    }

    static void print(List<Row> rows) {
        System.out.printf(Locale.ROOT, "%-28s %12s %-6s  %-22s %s%n", "figure", "median", "unit", "min..max", "what");
        for (Row r : rows) {
            double min = Arrays.stream(r.runs()).min().orElse(Double.NaN), max = Arrays.stream(r.runs()).max().orElse(Double.NaN);
            System.out.printf(Locale.ROOT, "%-28s %12s %-6s  %-22s %s%n", r.key(), fmt(r.value()), r.unit(), fmt(min) + ".." + fmt(max), r.label());
        }
    }

    String json(List<Row> rows) {
        StringBuilder b = new StringBuilder("{");
        b.append("\"pages\":").append(pages).append(",\"reps\":").append(reps).append(",\"seed\":").append(seed);
        for (Row r : rows) b.append(",\"").append(r.key()).append("\":").append(fmt(r.value()));
        return b.append('}').toString();
    }

    private static String fmt(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) return "null";
        return String.format(Locale.ROOT, Math.abs(x) >= 100 ? "%.0f" : Math.abs(x) >= 1 ? "%.2f" : "%.3f", x);
    }
}
