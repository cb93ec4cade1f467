package io.bulwark.bft.sim;

import io.bulwark.bft.sim.adversary.Adversary;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Many simulated runs, one per seed, with f taken in turn from a list. Prints each failing seed
 * with the command that replays it, and a one-line JSON summary.
 */
public final class Campaign {

    /**
     * The figures of a campaign. {@code viewChanges} sums, over seeds, the highest view a correct
     * replica reached (the number of view changes when they go one view at a time);
     * {@code seedsWithViewChange} counts the seeds where it is above 0. {@code adversaries} counts,
     * per adversary, the seeds that had it; {@code adversariesByF} the same per value of f.
     */
    public record Summary(int seeds, long requestsCommitted, int safetyViolations, int livenessFailures,
                          double wallSeconds, long checkpointsCompared, int linearizabilityExhausted, List<Simulation.Outcome> failures,
                          long viewChanges, int seedsWithViewChange, Map<Adversary, Integer> adversaries,
                          Map<Integer, Map<Adversary, Integer>> adversariesByF, long rejectedPayloads,
                          long stateTransfers, long pagesTransferred, long clockSkewRejects,
                          io.bulwark.bft.sim.adversary.Coverage coverage, Map<String, Long> firstFailure) {
        public boolean ok() { return safetyViolations == 0 && livenessFailures == 0; }

        public double requestsPerSecond() { return wallSeconds == 0 ? 0 : requestsCommitted / wallSeconds; }

        /** The adversaries exercised as a JSON object: label to number of seeds. */
        public String adversariesJson() {
            StringBuilder adv = new StringBuilder("{");
            for (Map.Entry<Adversary, Integer> e : adversaries.entrySet()) {
                if (adv.length() > 1) adv.append(',');
                adv.append('"').append(e.getKey().label()).append("\":").append(e.getValue());
            }
            return adv.append('}').toString();
        }

        public String json() {
            String adv = adversariesJson();
            return String.format(Locale.ROOT,
                    "{\"seeds\":%d,\"requests_committed\":%d,\"safety_violations\":%d,\"liveness_failures\":%d,"
                            + "\"wall_s\":%.3f,\"requests_per_s\":%.0f,\"checkpoints_compared\":%d,\"linearizability_unchecked_keys\":%d,"
                            + "\"view_changes\":%d,\"seeds_with_view_change\":%d,\"rejected_payloads\":%d,"
                            + "\"state_transfers\":%d,\"pages_transferred\":%d,\"clock_skew_rejects\":%d,\"adversaries\":%s,"
                            + "\"coverage\":%s,\"seeds_to_first_failure\":%s}",
                    seeds, requestsCommitted, safetyViolations, livenessFailures, wallSeconds, requestsPerSecond(),
                    checkpointsCompared, linearizabilityExhausted, viewChanges, seedsWithViewChange, rejectedPayloads,
                    stateTransfers, pagesTransferred, clockSkewRejects, adv, coverage.json(), firstFailureJson());
        }

        /** Per kind of safety violation (divergent execution, stale read / not linearizable, other): seeds run until its first one. */
        public String firstFailureJson() {
            StringBuilder b = new StringBuilder("{");
            for (Map.Entry<String, Long> e : firstFailure.entrySet()) {
                if (b.length() > 1) b.append(',');
                b.append('"').append(e.getKey()).append("\":").append(e.getValue());
            }
            return b.append('}').toString();
        }
    }

    private Campaign() {}

    /** Runs without adversaries, rates drawn per seed. */
    public static Summary run(long firstSeed, int seeds, int[] fs, int requests, int clients, boolean wire, PrintStream log) {
        return run(firstSeed, seeds, fs, requests, clients, wire, List.of(), Double.NaN, Double.NaN, log);
    }

    /** Runs seeds {@code firstSeed ..}, each drawing its adversaries from {@code pool} (see {@code AdversaryPlan}). */
    public static Summary run(long firstSeed, int seeds, int[] fs, int requests, int clients, boolean wire,
                              List<Adversary> pool, double dropRate, double duplicateRate, PrintStream log) {
        long start = System.nanoTime();
        long committed = 0, checkpoints = 0, views = 0, rejected = 0, transfers = 0, pages = 0, skew = 0;
        int safety = 0, liveness = 0, exhausted = 0, withViewChange = 0;
        Map<Adversary, Integer> exercised = new EnumMap<>(Adversary.class);
        Map<Integer, Map<Adversary, Integer>> byF = new java.util.TreeMap<>();
        List<Simulation.Outcome> failures = new ArrayList<>();
        io.bulwark.bft.sim.adversary.Coverage coverage = io.bulwark.bft.sim.adversary.Coverage.NONE;
        Map<String, Long> firstFailure = new java.util.TreeMap<>();
        for (int i = 0; i < seeds; i++) {
            long seed = firstSeed + i;
            Simulation.Options o = new Simulation.Options(seed, fs[i % fs.length], requests, clients, wire, pool, dropRate, duplicateRate);
            Simulation.Outcome out = new Simulation(o).run();
            committed += out.committed();
            checkpoints += out.checkpointsCompared();
            views += out.maxView();
            rejected += out.rejected();
            transfers += out.stateTransfers();
            pages += out.pagesTransferred();
            skew += out.clockSkewRejects();
            if (out.maxView() > 0) withViewChange++;
            coverage = coverage.plus(out.coverage());
            for (String v : out.safetyViolations()) firstFailure.putIfAbsent(kindOf(v), (long) i + 1);
            for (Adversary a : out.adversaries()) {
                exercised.merge(a, 1, Integer::sum);
                byF.computeIfAbsent(o.f(), k -> new EnumMap<>(Adversary.class)).merge(a, 1, Integer::sum);
            }
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
        return new Summary(seeds, committed, safety, liveness, wall, checkpoints, exhausted, failures, views, withViewChange,
                exercised, byF, rejected, transfers, pages, skew, coverage, firstFailure);
    }

    /** The kind of a safety violation, for the seeds-to-first-failure figures. */
    static String kindOf(String violation) {
        if (violation.contains("different batch at sequence number")) return "divergent_execution";
        if (violation.startsWith("history not linearizable")) return "not_linearizable";
        if (violation.contains("state digest")) return "divergent_checkpoint";
        return "other_safety";
    }
}
