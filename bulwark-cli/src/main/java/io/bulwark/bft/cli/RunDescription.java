package io.bulwark.bft.cli;

import io.bulwark.store.bench.BenchReport;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a benchmark was run, printed before its figures (issue 16: "benchmarks must say how they were
 * run"): this JVM (version, flags, collector, heap, CPUs it sees), the JVM options of the processes
 * it starts, and the load average when it began. The simulator prints the first and the last.
 */
public final class RunDescription {
    private RunDescription() {}

    /** {@code childOptions}: the JVM options the benchmark's child processes get (environment's included). */
    public static String describe(List<String> childOptions) {
        return thisJvm() + String.format(Locale.ROOT, "%n# child JVMs: %s; load average at start: %s",
                String.join(" ", childOptions), loadAverage());
    }

    /** For a command that runs in this JVM alone (the simulator): this JVM and the load average. */
    public static String describeThisJvmOnly() {
        return thisJvm() + "; load average at start: " + loadAverage();
    }

    private static String thisJvm() {
        Runtime rt = Runtime.getRuntime();
        List<String> gcs = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) gcs.add(gc.getName());
        return String.format(Locale.ROOT, "# run: java %s (%s), %d CPUs seen, max heap %d MiB, GC %s, flags %s",
                System.getProperty("java.version"), System.getProperty("java.vm.name"), rt.availableProcessors(),
                rt.maxMemory() >> 20, String.join("+", gcs), ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    private static String loadAverage() {
        double[] l = BenchReport.loadAverage();
        return l == null ? "unknown" : String.format(Locale.ROOT, "%.2f %.2f %.2f", l[0], l[1], l[2]);
    }
}
