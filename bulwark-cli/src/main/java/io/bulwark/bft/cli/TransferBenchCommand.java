package io.bulwark.bft.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bulwark bench transfer} (hidden): the state-transfer part of {@code bench state} on its own,
 * see {@link StateTransferBench}. With {@code --json} the last line is
 * {@code {"transfer_mb_per_s":X,"pages":P,"seconds":S,...}}: X is the fresh replica's (a new process,
 * cold JVM); {@code lagging_transfer_mb_per_s} the same replica's later transfer with a warm JVM.
 */
@Command(name = "transfer", hidden = true, mixinStandardHelpOptions = true,
        description = "State-transfer throughput: a replica process missing a fraction of a (default 1 GB) state fetches it from 3 others over loopback.")
final class TransferBenchCommand implements Callable<Integer> {
    @Option(names = "--pages", defaultValue = "262144", description = "Service pages of 4 KB per replica (default: ${DEFAULT-VALUE}, 1 GB).")
    int pages;

    @Option(names = "--missing-fraction", defaultValue = "0.1", description = "Fraction of the pages the late replica misses (default: ${DEFAULT-VALUE}).")
    double missingFraction;

    @Option(names = "--pages-per-request", defaultValue = "64", description = "Pages one write request overwrites (default: ${DEFAULT-VALUE}).")
    int pagesPerRequest;

    @Option(names = "--clients", defaultValue = "4", description = "Clients writing concurrently (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--replica-heap", defaultValue = "3g", description = "The replica JVMs' -Xmx (default: ${DEFAULT-VALUE}).")
    String replicaHeap;

    @Option(names = "--runs", defaultValue = "1", description = "Measurements, each on a fresh group (default: ${DEFAULT-VALUE}); the JSON reports the run with the median fresh-replica figure.")
    int runs;

    @Option(names = "--timeout-s", defaultValue = "600", description = "The transfer must complete within this after the replica is launched (default: ${DEFAULT-VALUE}).")
    long timeoutS;

    @Option(names = "--replica-jvm-option", description = "A further JVM option for the replica processes, repeatable; {id} becomes the replica's id "
            + "(e.g. -XX:StartFlightRecording=filename=/tmp/r{id}.jfr,settings=profile).")
    List<String> replicaJvmOptions = new ArrayList<>();

    @Option(names = "--lagging", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also measure a lagging replica with a warm JVM: replica 3 stopped (SIGSTOP) while the pages are rewritten, then resumed "
                    + "(default: ${DEFAULT-VALUE}; --no-lagging to skip).")
    boolean lagging;

    @Option(names = "--warm-group", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Before the measured transfer, warm the serving replicas' JVMs with one unmeasured transfer to replica 3, "
                    + "which is then killed and started again as a fresh process, as a replica rejoining a long-running group does "
                    + "(default: ${DEFAULT-VALUE}; --no-warm-group: every JVM as cold as the fetcher's).")
    boolean warmGroup;

    @Option(names = "--keep-logs", description = "Copy the replicas' logs into this directory when they stopped.")
    java.nio.file.Path keepLogs;

    @Option(names = "--json", description = "Print {\"transfer_mb_per_s\":X,\"pages\":P,\"seconds\":S,...} as the last line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (runs < 1 || runs > 20) throw new IllegalArgumentException("--runs must be 1..20");
        StateTransferBench.Options o = new StateTransferBench.Options(pages, missingFraction, pagesPerRequest, clients, replicaHeap, timeoutS, replicaJvmOptions, keepLogs);
        List<StateTransferBench.Result> results = new ArrayList<>();
        for (int r = 0; r < runs; r++) results.add(StateTransferBench.run(o, lagging, warmGroup, System.out));
        if (runs > 1) {
            StringBuilder all = new StringBuilder("transfer MB/s over " + runs + " runs, fresh replica:");
            for (StateTransferBench.Result r : results) all.append(String.format(java.util.Locale.ROOT, " %.1f", r.mbPerSecond()));
            if (lagging) {
                all.append("; lagging replica (warm JVM):");
                for (StateTransferBench.Result r : results) all.append(String.format(java.util.Locale.ROOT, " %.1f", r.lagging().mbPerSecond()));
            }
            System.out.println(all);
        }
        results.sort((a, b) -> Double.compare(a.mbPerSecond(), b.mbPerSecond()));
        if (json) System.out.println(results.get(results.size() / 2).json());
        return 0;
    }
}
