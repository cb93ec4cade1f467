package io.bulwark.bft.cli;

import io.bulwark.bft.sim.Campaign;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bulwark sim}: a campaign of deterministic simulated runs; replays a single seed with --seed. */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = "Run the deterministic simulator: n=3f+1 replicas and many clients over a faulty simulated network.")
final class SimCommand implements Callable<Integer> {
    @Option(names = "--seeds", description = "Number of seeds to run (default: ${DEFAULT-VALUE}).", defaultValue = "100")
    int seeds;

    @Option(names = "--seed", description = "First seed (default: ${DEFAULT-VALUE}); with --seeds 1 this replays one run.", defaultValue = "1")
    long firstSeed;

    @Option(names = "--requests", description = "Requests per seed (default: ${DEFAULT-VALUE}).", defaultValue = "1000")
    int requests;

    @Option(names = "--clients", description = "Clients per seed (default: ${DEFAULT-VALUE}).", defaultValue = "8")
    int clients;

    @Option(names = "--f", split = ",", description = "Values of f, taken in turn per seed (default: ${DEFAULT-VALUE}).", defaultValue = "1,2")
    int[] fs;

    @Option(names = "--plain", description = "Pass message records instead of authenticated frames (faster; skips codec and MACs).")
    boolean plain;

    @Option(names = "--json", description = "Print a one-line JSON summary as the last line.")
    boolean json;

    @Override
    public Integer call() {
        if (seeds < 1 || requests < 1 || clients < 1) throw new IllegalArgumentException("--seeds, --requests and --clients must be positive");
        for (int f : fs) if (f < 1 || f > 5) throw new IllegalArgumentException("--f values must be between 1 and 5, was " + f);
        Campaign.Summary s = Campaign.run(firstSeed, seeds, fs, requests, clients, !plain, System.out);
        if (!json) {
            System.out.printf("%d seeds (f=%s), %d requests committed in %.1f s (%.0f requests/s), %d checkpoints compared; "
                            + "%d safety violations, %d liveness failures%n",
                    s.seeds(), Arrays.toString(fs), s.requestsCommitted(), s.wallSeconds(), s.requestsPerSecond(),
                    s.checkpointsCompared(), s.safetyViolations(), s.livenessFailures());
        } else {
            System.out.println(s.json());
        }
        return s.ok() ? 0 : 1;
    }

}
