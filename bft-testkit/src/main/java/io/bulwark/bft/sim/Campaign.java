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
     * {@code keysChecked} and {@code unknownKeys} sum the linearizability checker's keys over seeds
     * (an unknown key ran out of search budget: it fails the campaign unless {@code allowUnknown}).
     * {@code maxClientWaitUs} is the longest wait of a correct client after the heal, in seed
     * {@code maxClientWaitSeed}. {@code adversaryActions} sums what adversaries did (see
     * {@code Coverage}); {@code mainSeeds} counts the seeds each adversary was the main one of and
     * {@code mainSeedsWithoutAction} those where it then never acted; an adversary main in some
     * seeds that acted in none of them ({@link #mainsNeverActed}) fails the campaign.
     * {@code seedsWithFinalPagesCompared}: seeds whose correct replicas' final pages were compared byte for byte.
     */
    public record Summary(int seeds, long requestsCommitted, int safetyViolations, int livenessFailures,
                          double wallSeconds, long checkpointsCompared, long keysChecked, long unknownKeys, boolean allowUnknown,
                          List<Simulation.Outcome> failures,
                          long viewChanges, int seedsWithViewChange, Map<Adversary, Integer> adversaries,
                          Map<Integer, Map<Adversary, Integer>> adversariesByF, long rejectedPayloads,
                          long stateTransfers, long pagesTransferred, long clockSkewRejects,
                          long maxClientWaitUs, long maxClientWaitSeed, Map<Adversary, Long> adversaryActions,
                          Map<Adversary, Integer> mainSeeds, Map<Adversary, Integer> mainSeedsWithoutAction,
                          int seedsWithFinalPagesCompared, ScheduleCoverage schedule, Map<String, Long> firstFailure,
                          long quarantines, int seedsWithQuarantine, long authFailures, long clientSessions,
                          CompromiseReport compromise, long authFailureSuspicions) {

        /** Safe, live, every key decided (unless allowed), and every main adversary acted somewhere. */
        public boolean ok() {
            return safetyViolations == 0 && livenessFailures == 0 && (allowUnknown || unknownKeys == 0) && mainsNeverActed().isEmpty();
        }

        /** Adversaries that were the main one of some seeds and acted in none of them. */
        public List<Adversary> mainsNeverActed() {
            List<Adversary> out = new ArrayList<>();
            for (var e : mainSeeds.entrySet()) if (mainSeedsWithoutAction.getOrDefault(e.getKey(), 0) >= e.getValue()) out.add(e.getKey());
            return out;
        }

        public double requestsPerSecond() { return wallSeconds == 0 ? 0 : requestsCommitted / wallSeconds; }

        /** The adversaries exercised as a JSON object: label to number of seeds. */
        public String adversariesJson() { return json(adversaries); }

        /** What the adversaries did as a JSON object: label to number of actions. */
        public String actionsJson() { return json(adversaryActions); }

        /** Seeds each adversary was main in, and of those, the ones where it never acted: "label": main/idle. */
        public String mainSeedsText() {
            StringBuilder b = new StringBuilder();
            for (var e : mainSeeds.entrySet())
                b.append(b.length() == 0 ? "" : ", ").append(e.getKey().label()).append(' ').append(e.getValue())
                        .append('/').append(mainSeedsWithoutAction.getOrDefault(e.getKey(), 0));
            return b.toString();
        }

        private static String json(Map<Adversary, ? extends Number> m) {
            StringBuilder adv = new StringBuilder("{");
            for (var e : m.entrySet()) {
                if (adv.length() > 1) adv.append(',');
                adv.append('"').append(e.getKey().label()).append("\":").append(e.getValue());
            }
            return adv.append('}').toString();
        }

        public String json() {
            StringBuilder never = new StringBuilder("[");
            for (Adversary a : mainsNeverActed()) never.append(never.length() > 1 ? "," : "").append('"').append(a.label()).append('"');
            never.append(']');
            return String.format(Locale.ROOT,
                    "{\"seeds\":%d,\"requests_committed\":%d,\"safety_violations\":%d,\"liveness_failures\":%d,"
                            + "\"wall_s\":%.3f,\"requests_per_s\":%.0f,\"checkpoints_compared\":%d,\"seeds_final_pages_compared\":%d,"
                            + "\"linearizability_keys_checked\":%d,\"linearizability_unknown_keys\":%d,\"allow_unknown\":%b,"
                            + "\"max_client_wait_ms\":%.3f,\"max_client_wait_seed\":%d,"
                            + "\"view_changes\":%d,\"seeds_with_view_change\":%d,\"rejected_payloads\":%d,"
                            + "\"state_transfers\":%d,\"pages_transferred\":%d,\"clock_skew_rejects\":%d,\"adversaries\":%s,"
                            + "\"adversary_actions\":%s,\"main_seeds\":%s,\"main_seeds_without_action\":%s,\"mains_never_acted\":%s,"
                            + "\"coverage\":%s,\"seeds_to_first_failure\":%s,"
                            + "\"client_sessions\":%d,\"auth_failures\":%d,\"quarantines\":%d,\"seeds_with_quarantine\":%d,\"auth_failure_suspicions\":%d,\"compromised\":%s,\"ok\":%b}",
                    seeds, requestsCommitted, safetyViolations, livenessFailures, wallSeconds, requestsPerSecond(),
                    checkpointsCompared, seedsWithFinalPagesCompared, keysChecked, unknownKeys, allowUnknown, maxClientWaitUs / 1000.0, maxClientWaitSeed,
                    viewChanges, seedsWithViewChange, rejectedPayloads,
                    stateTransfers, pagesTransferred, clockSkewRejects, adversariesJson(), actionsJson(), json(mainSeeds),
                    json(mainSeedsWithoutAction), never, schedule.json(), firstFailureJson(),
                    clientSessions, authFailures, quarantines, seedsWithQuarantine, authFailureSuspicions, compromise.json(), ok());
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

    /** As below, unknown keys failing the campaign. */
    public static Summary run(long firstSeed, int seeds, int[] fs, int requests, int clients, boolean wire,
                              List<Adversary> pool, double dropRate, double duplicateRate, PrintStream log) {
        return run(firstSeed, seeds, fs, requests, clients, wire, pool, dropRate, duplicateRate, false, log);
    }

    /**
     * Runs seeds {@code firstSeed ..}, each drawing its adversaries from {@code pool} (see
     * {@code AdversaryPlan}); {@code allowUnknown} lets keys the checker could not decide pass.
     */
    public static Summary run(long firstSeed, int seeds, int[] fs, int requests, int clients, boolean wire,
                              List<Adversary> pool, double dropRate, double duplicateRate, boolean allowUnknown, PrintStream log) {
        return run(firstSeed, seeds, fs, requests, clients, wire, pool, dropRate, duplicateRate, allowUnknown, 0, false, log);
    }

    /**
     * As above; {@code sessionRequests} > 0: short-lived clients (see {@link Simulation.Options#withShortLivedClients});
     * {@code noOutages}: no replica stopped or partitioned by the fault plan.
     */
    public static Summary run(long firstSeed, int seeds, int[] fs, int requests, int clients, boolean wire,
                              List<Adversary> pool, double dropRate, double duplicateRate, boolean allowUnknown,
                              int sessionRequests, boolean noOutages, PrintStream log) {
        return run(firstSeed, seeds, fs, requests, clients, wire, pool, dropRate, duplicateRate, allowUnknown, sessionRequests, noOutages,
                defaultThreads(), log);
    }

    /**
     * Threads a campaign runs seeds on by default: one per processor the JVM sees. Seeds share nothing (each
     * {@link Simulation} owns its clock, network, replicas and randomness), so the summary and every log line are
     * the same, in the same order, on one thread or many; only the wall time differs.
     */
    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /**
     * As above, on {@code threads} threads. Outcomes are folded into the summary in seed order, so what is
     * printed does not depend on which seed finished first; at most {@code 2 × threads} simulations are in memory.
     */
    public static Summary run(long firstSeed, int seeds, int[] fs, int requests, int clients, boolean wire,
                              List<Adversary> pool, double dropRate, double duplicateRate, boolean allowUnknown,
                              int sessionRequests, boolean noOutages, int threads, PrintStream log) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        long quarantines = 0, authFailures = 0, sessions = 0, authSuspicions = 0;
        int withQuarantine = 0;
        long start = System.nanoTime();
        long committed = 0, checkpoints = 0, views = 0, rejected = 0, transfers = 0, pages = 0, skew = 0, keys = 0, unknown = 0;
        long maxWait = 0, maxWaitSeed = -1;
        int safety = 0, liveness = 0, withViewChange = 0, finalCompared = 0;
        Map<Adversary, Integer> exercised = new EnumMap<>(Adversary.class);
        Map<Integer, Map<Adversary, Integer>> byF = new java.util.TreeMap<>();
        Map<Adversary, Long> actions = new EnumMap<>(Adversary.class);
        Map<Adversary, Integer> mains = new EnumMap<>(Adversary.class), mainsIdle = new EnumMap<>(Adversary.class);
        List<Simulation.Outcome> failures = new ArrayList<>();
        ScheduleCoverage schedule = ScheduleCoverage.NONE;
        Map<String, Long> firstFailure = new java.util.TreeMap<>();
        CompromiseReport compromise = CompromiseReport.NONE;
        java.util.function.IntFunction<Simulation.Options> optionsOf = i -> new Simulation.Options(firstSeed + i, fs[i % fs.length], requests,
                clients, wire, pool, dropRate, duplicateRate).withShortLivedClients(sessionRequests).withoutOutages(noOutages);
        SeedRunner runner = new SeedRunner(threads, seeds, optionsOf);
        try {
        for (int i = 0; i < seeds; i++) {
            long seed = firstSeed + i;
            Simulation.Options o = optionsOf.apply(i);
            Simulation.Outcome out = runner.outcome(i);
            quarantines += out.quarantines();
            authFailures += out.authFailures();
            sessions += out.clientSessions();
            if (out.quarantines() > 0) withQuarantine++;
            authSuspicions += out.authFailureSuspicions();
            // Failed by the run itself where no principal is Byzantine (see Simulation.run); measured and
            // listed where Byzantine replicas or a forger, but no Byzantine client, could have caused them.
            boolean byzantineClient = out.adversaries().stream().anyMatch(a -> a.kind == Adversary.Kind.CLIENT);
            if ((out.authFailures() > 0 || out.quarantines() > 0) && log != null && out.ok(allowUnknown) && !byzantineClient)
                log.println("AUTH-FAILUREs aimed at correct clients (measured: Byzantine replicas or a forger in this run): " + out.authFailures() + " sent, " + out.quarantines()
                        + " quarantines, " + out.authFailureSuspicions() + " suspicions, seed " + seed + " (f=" + o.f() + "): " + o.replayCommand());
            committed += out.committed();
            checkpoints += out.checkpointsCompared();
            views += out.maxView();
            rejected += out.rejected();
            transfers += out.stateTransfers();
            pages += out.pagesTransferred();
            skew += out.clockSkewRejects();
            keys += out.keysChecked();
            unknown += out.unknownKeys();
            if (out.maxClientWaitUs() > maxWait) { maxWait = out.maxClientWaitUs(); maxWaitSeed = seed; }
            if (out.maxView() > 0) withViewChange++;
            if (out.finalReplicasCompared() > 0) finalCompared++;
            schedule = schedule.plus(out.schedule());
            compromise = compromise.plus(out.compromise());
            for (String v : out.safetyViolations()) firstFailure.putIfAbsent(kindOf(v), (long) i + 1);
            for (Adversary a : out.adversaries()) {
                exercised.merge(a, 1, Integer::sum);
                byF.computeIfAbsent(o.f(), k -> new EnumMap<>(Adversary.class)).merge(a, 1, Integer::sum);
            }
            out.adversaryActions().forEach((a, n) -> actions.merge(a, n, Long::sum));
            Adversary main = out.mainAdversary();
            if (main != null) {
                mains.merge(main, 1, Integer::sum);
                if (out.adversaryActions().getOrDefault(main, 0L) == 0) mainsIdle.merge(main, 1, Integer::sum);
            }
            if (!out.safetyViolations().isEmpty()) safety++;
            if (out.livenessFailure() != null) liveness++;
            if (out.schedule().leftAlone() > 0 && log != null)
                log.println("left alone (issue 15 item 3, a liveness failure): a correct replica stayed in a view no quorum is in, seed " + seed
                        + " (f=" + o.f() + "): " + o.replayCommand());
            if (out.schedule().outsideActiveView() > 0 && log != null)
                log.println("outside the active view (measured, not failed): a correct replica never installed the group's view, seed "
                        + seed + " (f=" + o.f() + "): " + o.replayCommand());
            if (!out.ok(allowUnknown)) {
                failures.add(out);
                if (log != null) {
                    log.println("FAILED seed " + seed + " (f=" + o.f() + "): " + out.faults());
                    out.safetyViolations().forEach(v -> log.println("  safety: " + v));
                    if (out.livenessFailure() != null) log.println("  liveness: " + out.livenessFailure());
                    if (out.unknownKeys() > 0) log.println("  unknown: the linearizability search ran out of budget on " + out.unknownKeys() + " keys");
                    log.println("  replay: " + o.replayCommand());
                }
            }
        }
        } finally {
            runner.close();
        }
        double wall = (System.nanoTime() - start) / 1e9;
        Summary s = new Summary(seeds, committed, safety, liveness, wall, checkpoints, keys, unknown, allowUnknown, failures, views,
                withViewChange, exercised, byF, rejected, transfers, pages, skew, maxWait, maxWaitSeed, actions, mains, mainsIdle, finalCompared,
                schedule, firstFailure, quarantines, withQuarantine, authFailures, sessions, compromise, authSuspicions);
        if (log != null) for (Adversary a : s.mainsNeverActed())
            log.println("NEVER ACTED: " + a.label() + " was the main adversary of " + mains.get(a) + " seeds and acted in none of them");
        return s;
    }

    /** The kind of a safety violation, for the seeds-to-first-failure figures. */
    static String kindOf(String violation) {
        if (violation.contains("different batch at sequence number")) return "divergent_execution";
        if (violation.startsWith("history not linearizable")) return "not_linearizable";
        if (violation.contains("state digest")) return "divergent_checkpoint";
        return "other_safety";
    }
}
