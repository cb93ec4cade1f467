package io.bulwark.bft.sim;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Many simulated runs, one per seed, with f taken in turn from a list. Prints each failing seed
 * with the command that replays it, and a one-line JSON summary.
 */
public final class Campaign {

    public record Summary(int seeds, long requestsCommitted, int safetyViolations, int livenessFailures,
                          double wallSeconds, long checkpointsCompared, int linearizabilityExhausted, List<Simulation.Outcome> failures) {
        public boolean ok() { return safetyViolations == 0 && livenessFailures == 0; }

        public double requestsPerSecond() { return wallSeconds == 0 ? 0 : requestsCommitted / wallSeconds; }

        public String json() {
            return String.format(java.util.Locale.ROOT,
                    "{\"seeds\":%d,\"requests_committed\":%d,\"safety_violations\":%d,\"liveness_failures\":%d,"
                            + "\"wall_s\":%.3f,\"requests_per_s\":%.0f,\"checkpoints_compared\":%d,\"linearizability_unchecked_keys\":%d}",
                    seeds, requestsCommitted, safetyViolations, livenessFailures, wallSeconds, requestsPerSecond(),
                    checkpointsCompared, linearizabilityExhausted);
        }
    }

    private Campaign() {}

    public static Summary run(long firstSeed, int seeds, int[] fs, int requests, int clients, boolean wire, PrintStream log) {
        long start = System.nanoTime();
        long committed = 0, checkpoints = 0;
        int safety = 0, liveness = 0, exhausted = 0;
        List<Simulation.Outcome> failures = new ArrayList<>();
        for (int i = 0; i < seeds; i++) {
            long seed = firstSeed + i;
            Simulation.Options o = new Simulation.Options(seed, fs[i % fs.length], requests, clients, wire);
            Simulation.Outcome out = new Simulation(o).run();
            committed += out.committed();
            checkpoints += out.checkpointsCompared();
            if (out.linearizabilityExhausted()) exhausted++;
            if (!out.safetyViolations().isEmpty()) safety++;
            if (out.livenessFailure() != null) liveness++;
            if (!out.ok()) {
                failures.add(out);
                if (log != null) {
                    log.println("FAILED seed " + seed + " (f=" + o.f() + "): " + out.faults());
                    out.safetyViolations().forEach(v -> log.println("  safety: " + v));
                    if (out.livenessFailure() != null) log.println("  liveness: " + out.livenessFailure());
                    log.println("  replay: " + o.replayCommand());
                }
            }
        }
        double wall = (System.nanoTime() - start) / 1e9;
        return new Summary(seeds, committed, safety, liveness, wall, checkpoints, exhausted, failures);
    }
}
