package io.bulwark.bft.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What a set of processes used, read at the start and at the end of a measured window: CPU time
 * (user and system) and the read and write system calls they made (Linux {@code /proc/PID/io}). Where
 * the CPU of a benchmark point went, per process (issue 16: CPU per committed request, per replica):
 * on loopback a BFT request costs many more system calls than an unreplicated one, and those, not the
 * protocol's computation, are most of its CPU. The JDK reads CPU time from /proc (10 ms ticks): good
 * for windows of seconds.
 * <p>
 * Beside the processes it can read counters at the same moments (e.g. a replica's last executed
 * batch, asked through the protocol): requests per batch is what a BFT point's CPU per request
 * depends on most.
 */
public final class ProcessMeter {
    /** Totals so far, or over a window; -1 where the platform does not say. */
    public record Usage(long cpuNanos, long readCalls, long writeCalls) {
        static final Usage UNKNOWN = new Usage(-1, -1, -1);

        public Usage minus(Usage from) {
            return new Usage(diff(cpuNanos, from.cpuNanos), diff(readCalls, from.readCalls), diff(writeCalls, from.writeCalls));
        }

        private static long diff(long to, long from) { return to < 0 || from < 0 ? -1 : to - from; }
    }

    private final List<String> names = new ArrayList<>();
    private final List<ProcessHandle> handles = new ArrayList<>();
    private final List<String> counterNames = new ArrayList<>();
    private final List<LongSupplier> counters = new ArrayList<>();

    /** Adds a process under {@code name} (e.g. "r0", "clients"). */
    public ProcessMeter add(String name, ProcessHandle handle) {
        names.add(name);
        handles.add(handle);
        return this;
    }

    public List<String> names() { return List.copyOf(names); }

    /** Adds a counter read with the processes (a negative value: unknown). */
    public ProcessMeter count(String name, LongSupplier counter) {
        counterNames.add(name);
        counters.add(counter);
        return this;
    }

    public List<String> counterNames() { return List.copyOf(counterNames); }

    /** Each counter's value now, -1 where reading it failed. */
    public long[] sampleCounters() {
        long[] out = new long[counters.size()];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = counters.get(i).getAsLong();
            } catch (RuntimeException e) {
                out[i] = -1;   // the figure is left out; the point's other figures stand
            }
        }
        return out;
    }

    /** Each process's usage so far. */
    public List<Usage> sample() {
        List<Usage> out = new ArrayList<>();
        for (ProcessHandle h : handles) {
            long cpu = h.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
            long reads = -1, writes = -1;
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(h.pid()), "io"))) {
                    if (line.startsWith("syscr:")) reads = Long.parseLong(line.substring(6).trim());
                    else if (line.startsWith("syscw:")) writes = Long.parseLong(line.substring(6).trim());
                }
            } catch (IOException | RuntimeException e) {
                // not Linux, or not ours to read: the counts stay unknown
            }
            out.add(new Usage(cpu, reads, writes));
        }
        return out;
    }

    /** {@code to - from} per process. */
    public static List<Usage> delta(List<Usage> from, List<Usage> to) {
        List<Usage> d = new ArrayList<>();
        for (int i = 0; i < to.size(); i++) d.add(i < from.size() ? to.get(i).minus(from.get(i)) : Usage.UNKNOWN);
        return d;
    }
}
