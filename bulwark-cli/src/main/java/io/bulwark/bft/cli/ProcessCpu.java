package io.bulwark.bft.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * CPU time (user and system) of a set of processes, read at the start and at the end of a measured
 * window: where the CPU of a benchmark point went, per process (issue 16: CPU per committed request,
 * per replica). On Linux the JDK reads /proc (10 ms ticks): good for windows of seconds.
 */
final class ProcessCpu {
    private final List<String> names = new ArrayList<>();
    private final List<ProcessHandle> handles = new ArrayList<>();

    /** Adds a process under {@code name} (e.g. "r0", "clients"). */
    ProcessCpu add(String name, ProcessHandle handle) {
        names.add(name);
        handles.add(handle);
        return this;
    }

    List<String> names() { return List.copyOf(names); }

    /** Each process's CPU time so far in nanoseconds, -1 where the platform does not say. */
    long[] sample() {
        long[] out = new long[handles.size()];
        for (int i = 0; i < out.length; i++)
            out[i] = handles.get(i).info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
        return out;
    }

    /** {@code to - from} per process, -1 where either is unknown. */
    static long[] delta(long[] from, long[] to) {
        long[] d = new long[from.length];
        for (int i = 0; i < d.length; i++) d[i] = from[i] < 0 || to[i] < 0 ? -1 : to[i] - from[i];
        return d;
    }
}
