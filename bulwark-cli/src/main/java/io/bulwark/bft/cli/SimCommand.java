package io.bulwark.bft.cli;

import io.bulwark.bft.sim.Campaign;
import io.bulwark.bft.sim.adversary.Adversary;
import java.util.Arrays;
import java.util.List;
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

    @Option(names = "--adversary", paramLabel = "LIST", defaultValue = "all",
            description = "Adversaries each seed draws from: 'all', 'none', or a comma-separated list of "
                    + "silent-primary, slow-primary, equivocating-primary, twins, wrong-digest, wrong-result, "
                    + "conflicting-checkpoints, lying-view-change, wrong-new-view, mutator, forged-mac, replay, route-hijack, "
                    + "equivocating-client, big-mac, flood, bad-replier, lagging, bit-flip, stale-reader, commit-lag, view-change-storm, "
                    + "null-trap, cooperating, restart, power-loss, phantom-request, primary-only-client, compromised. The main adversary of seed s is entry (s/2) mod size; "
                    + "others may join from the seed's randomness, never more than f Byzantine replicas at once (compromised takes f+1 in turn) (default: ${DEFAULT-VALUE}).")
    String adversary;

    @Option(names = "--drop-rate", paramLabel = "P", description = "Probability that the network drops a message before it heals (default: drawn per seed, 0 to 0.05).")
    Double dropRate;

    @Option(names = "--dup-rate", paramLabel = "P", description = "Probability that the network duplicates a message before it heals (default: drawn per seed, 0 to 0.02).")
    Double dupRate;

    @Option(names = "--allow-unknown", description = "Let keys whose linearizability search ran out of budget pass "
            + "(they are reported either way; by default one fails the campaign).")
    boolean allowUnknown;

    @Option(names = "--short-lived-clients", paramLabel = "K", defaultValue = "0",
            description = "Short-lived clients: every K requests a client is a new process under the same id "
                    + "(fresh keys in a NEW-KEY over the delaying network; requests once the replicas acknowledged it). "
                    + "The summary counts client sessions, AUTH-FAILUREs and quarantines; in a run with no Byzantine principal "
                    + "any AUTH-FAILURE or quarantine fails the run (default: 0, long-lived clients).")
    int shortLivedClients;

    @Option(names = "--no-outages", description = "No replica is stopped or partitioned by the fault plan "
            + "(links still delay, and drop and duplicate per --drop-rate and --dup-rate).")
    boolean noOutages;

    @Option(names = "--threads", paramLabel = "N", description = "Threads seeds run on (default: one per processor). Seeds share nothing: "
            + "the results and their order are the same on any number of threads.")
    Integer threads;

    @Option(names = "--json", description = "Print a one-line JSON summary as the last line (view_changes: the highest view a correct replica reached, summed over seeds).")
    boolean json;

    @Override
    public Integer call() {
        if (seeds < 1 || requests < 1 || clients < 1) throw new IllegalArgumentException("--seeds, --requests and --clients must be positive");
        for (int f : fs) if (f < 1 || f > 5) throw new IllegalArgumentException("--f values must be between 1 and 5, was " + f);
        List<Adversary> pool = Adversary.parse(adversary);
        if (threads != null && threads < 1) throw new IllegalArgumentException("--threads must be positive");
        if (shortLivedClients < 0) throw new IllegalArgumentException("--short-lived-clients must not be negative");
        if (shortLivedClients > 0 && plain) throw new IllegalArgumentException("--short-lived-clients needs authenticated frames (not --plain): the clients exchange keys");
        for (Double r : new Double[] {dropRate, dupRate})
            if (r != null && !(r >= 0 && r <= 1)) throw new IllegalArgumentException("--drop-rate and --dup-rate must be between 0 and 1");
        // Its requests per second depend on the JVM (its collector and JIT warm-up above all): say which ran.
        System.out.println(RunDescription.describeThisJvmOnly());
        Campaign.Summary s = Campaign.run(firstSeed, seeds, fs, requests, clients, !plain, pool,
                dropRate == null ? Double.NaN : dropRate, dupRate == null ? Double.NaN : dupRate, allowUnknown, shortLivedClients, noOutages,
                threads == null ? Campaign.defaultThreads() : threads, System.out);
        // After the campaign, so that nothing it runs warms the JIT for the campaign.
        System.out.println(MachineSpeed.measure().describe("at end"));
        if (!json) {
            System.out.printf("%d seeds (f=%s, adversaries %s), %d requests committed in %.1f s (%.0f requests/s), %d checkpoints compared, "
                            + "%d view changes in %d seeds; %d safety violations, %d liveness failures; linearizability: %d keys checked, "
                            + "%d unknown%s; longest client wait after the heal %.1f ms (seed %d)%n",
                    s.seeds(), Arrays.toString(fs), Adversary.labels(pool), s.requestsCommitted(), s.wallSeconds(), s.requestsPerSecond(),
                    s.checkpointsCompared(), s.viewChanges(), s.seedsWithViewChange(), s.safetyViolations(), s.livenessFailures(),
                    s.keysChecked(), s.unknownKeys(), s.allowUnknown() ? " (allowed)" : "", s.maxClientWaitUs() / 1000.0, s.maxClientWaitSeed());
            if (!s.adversaries().isEmpty()) {
                System.out.println("adversaries exercised (seeds): " + s.adversariesJson());
                System.out.println("adversary actions: " + s.actionsJson());
                System.out.println("seeds as main adversary/of them without action: " + s.mainSeedsText());
                if (!s.mainsNeverActed().isEmpty()) System.out.println("main adversaries that never acted: " + s.mainsNeverActed());
            }
            if (shortLivedClients > 0)
                System.out.printf("short-lived clients: %d sessions of %d requests; %d AUTH-FAILUREs sent and %d quarantines imposed by correct replicas (%d seeds), %d suspicions of a primary for them%n",
                        s.clientSessions(), shortLivedClients, s.authFailures(), s.quarantines(), s.seedsWithQuarantine(), s.authFailureSuspicions());
            else if (s.authFailures() > 0 || s.quarantines() > 0)
                System.out.printf("big-MAC defence: %d AUTH-FAILUREs sent and %d quarantines imposed by correct replicas (%d seeds), %d suspicions of a primary for them%n",
                        s.authFailures(), s.quarantines(), s.seedsWithQuarantine(), s.authFailureSuspicions());
            System.out.println("coverage: " + s.schedule().json() + "; seeds to the first safety violation of each kind: " + s.firstFailureJson());
        } else {
            System.out.println(s.json());
        }
        return s.ok() ? 0 : 1;
    }

}
