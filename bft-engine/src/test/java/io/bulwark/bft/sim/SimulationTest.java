package io.bulwark.bft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.sim.adversary.Adversary;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The simulator campaign that runs in every build: many seeds for f=1 and f=2, each checked for
 * safety on every step and for liveness after the network heals. A failing seed prints the command
 * that replays it; add it to {@link #regressionSeeds} once fixed.
 */
class SimulationTest {

    @Test
    void campaignOfSeedsForFOneAndTwoIsSafeAndLive() {
        Campaign.Summary s = Campaign.run(1, 200, new int[] {1, 2}, 400, 8, true, System.out);
        System.out.println("simulator campaign: " + s.json());
        assertEquals(0, s.safetyViolations(), "safety violations (see the replay commands above)");
        assertEquals(0, s.livenessFailures(), "liveness failures (see the replay commands above)");
        assertEquals(200L * 400, s.requestsCommitted());
        assertTrue(s.checkpointsCompared() > 0, "checkpoints were compared across replicas");
    }

    @Test
    void regressionSeeds() {
        // Seeds that once failed: a primary that missed commits just before the others' checkpoint
        // became stable (fixed by retaining one more checkpoint interval of log).
        long[][] seedsAndRequests = {{154, 2000}, {1204, 1000}};
        for (long[] sr : seedsAndRequests) {
            Simulation.Outcome o = new Simulation(new Simulation.Options(sr[0], 1, (int) sr[1], 8, false)).run();
            assertTrue(o.ok(), "seed " + sr[0] + ": " + o.safetyViolations() + " " + o.livenessFailure());
        }
        Simulation.Outcome o = new Simulation(new Simulation.Options(125, 2, 2000, 8, false)).run();
        assertTrue(o.ok(), "seed 125: " + o.safetyViolations() + " " + o.livenessFailure());
    }

    private static final List<Adversary> ALL = List.of(Adversary.values());

    private static final String BIG_MAC =
            "big MAC: the primary can only verify its own entry of a client's authenticator, batches a request whose "
            + "entries are bad at more than f backups, and those backups reject the whole PRE-PREPARE (BAD_REQUEST_MAC); "
            + "the client does it again in every view, so view changes follow one another and correct clients starve";

    /**
     * Seeds of the adversary campaign below that are known to fail liveness, each with its
     * diagnosis. Safety holds in all of them. They are core issues (core/Replica.java), not
     * simulator ones: when a fix makes one live, move it to {@link #adversaryRegressionSeeds}.
     */
    private static final String NO_STATE_TRANSFER =
            "state transfer missing: while the link adversary corrupts their pre-prepares (BAD_REQUEST_MAC) three correct "
            + "replicas (f=2) fall behind; a new view then starts from checkpoint 16, which they have not reached, and the "
            + "commit certificates for the batches below it (CatchUp needs 2f+1) cannot be gathered from the f+1 that "
            + "executed them; with the silent primary, too few replicas are left (issue 4 brings state transfer)";

    private static final Map<Long, String> KNOWN_ADVERSARY_LIVENESS_FAILURES =
            Map.of(11L, BIG_MAC, 57L, BIG_MAC, 60L, NO_STATE_TRANSFER);

    /**
     * The adversary campaign: every adversary is the main one of two consecutive seeds (one with f=1,
     * one with f=2), others join at random; the f budget goes to Byzantine replicas. Safety must
     * hold in every seed; liveness in every seed but the known failures above (a new failing seed
     * fails the build and prints its replay command).
     */
    @Test
    void adversaryCampaignCoversEveryAdversaryForFOneAndTwoAndIsSafe() {
        Campaign.Summary s = Campaign.run(1, 60, new int[] {1, 2}, 200, 8, true, ALL, Double.NaN, Double.NaN, System.out);
        System.out.println("adversary campaign: " + s.json());
        assertEquals(0, s.safetyViolations(), "safety violations (see the replay commands above)");
        for (int f = 1; f <= 2; f++) {
            for (Adversary a : Adversary.values()) {
                int seeds = s.adversariesByF().getOrDefault(f, Map.of()).getOrDefault(a, 0);
                assertTrue(seeds > 0, a.label() + " was not exercised with f=" + f);
            }
        }
        assertTrue(s.seedsWithViewChange() >= 20, "view changes happened in " + s.seedsWithViewChange() + " seeds");
        assertTrue(s.rejectedPayloads() > 0, "forgeries and big-MAC requests were rejected");
        Set<Long> failing = new TreeSet<>();
        for (Simulation.Outcome o : s.failures()) failing.add(o.options().seed());
        Set<Long> unexpected = new TreeSet<>(failing);
        unexpected.removeAll(KNOWN_ADVERSARY_LIVENESS_FAILURES.keySet());
        for (Long seed : KNOWN_ADVERSARY_LIVENESS_FAILURES.keySet())
            if (!failing.contains(seed)) System.out.println("seed " + seed + " is live now: move it to the adversary regression seeds");
        assertTrue(unexpected.isEmpty(), "new liveness failures (see the replay commands above): " + unexpected);
        assertTrue(s.requestsCommitted() >= (60L - failing.size()) * 200);
    }

    /** One adversary seed to replay: what it once showed, and that it must now be safe and live. */
    private record AdversarySeed(long seed, int f, int requests, String pool, String onceFailed) {}

    @Test
    void adversaryRegressionSeeds() {
        List<AdversarySeed> seeds = List.of(
                new AdversarySeed(5, 1, 200, "silent-primary,equivocating-primary,lying-view-change,wrong-new-view",
                        "safety: a correct new primary decided null for committed sequence numbers 77-80, because correct "
                                + "replicas' VIEW-CHANGEs still reported ls=76 after installing a view that started at checkpoint 80"),
                new AdversarySeed(4, 2, 200, "twins", "liveness before the view change: twin primaries stalled the group"),
                new AdversarySeed(6, 2, 200, "twins", "liveness before the view change: twin primaries stalled the group"),
                new AdversarySeed(2, 2, 200, "forged-mac", "liveness: a request corrupted in flight in another replica's "
                        + "authenticator entry poisoned the primary's batches (BAD_REQUEST_MAC), and a backup fell behind"),
                new AdversarySeed(5, 1, 200, "wrong-digest", "liveness: a correct backup fell behind the others' log with "
                        + "a Byzantine replica in the group"),
                new AdversarySeed(52, 2, 200, "all", "liveness: a VIEW-CHANGE with more than L/K+2 checkpoints, rejected "
                        + "by every receiver (OVERSIZED)"),
                new AdversarySeed(59, 1, 200, "all", "liveness: VIEW-CHANGEs with Q entries above ls+L, rejected as malformed"));
        for (AdversarySeed a : seeds) {
            Simulation.Options o = new Simulation.Options(a.seed(), a.f(), a.requests(), 8, true, Adversary.parse(a.pool()),
                    Double.NaN, Double.NaN);
            Simulation.Outcome out = new Simulation(o).run();
            assertTrue(out.ok(), o.replayCommand() + " (once: " + a.onceFailed() + "): " + out.safetyViolations() + " " + out.livenessFailure());
        }
    }

    @Test
    void sameSeedGivesTheSameRun() {
        Simulation.Options opt = new Simulation.Options(42, 1, 400, 6, true);
        Simulation.Outcome a = new Simulation(opt).run();
        Simulation.Outcome b = new Simulation(opt).run();
        assertEquals(a.simulatedMs(), b.simulatedMs());
        assertEquals(a.messages(), b.messages());
        assertEquals(a.dropped(), b.dropped());
    }
}
