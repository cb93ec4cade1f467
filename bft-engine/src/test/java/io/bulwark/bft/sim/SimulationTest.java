package io.bulwark.bft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
