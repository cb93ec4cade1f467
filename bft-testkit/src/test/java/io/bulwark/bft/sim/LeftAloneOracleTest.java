package io.bulwark.bft.sim;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Issue 15 item 3's oracle on scripted views: a split after the heal may last up to the bound, not longer. */
class LeftAloneOracleTest {
    private final long[] views = {0, 0, 0, 0};
    private final boolean[] faulty = {false, false, false, true};
    private final LeftAloneOracle oracle = new LeftAloneOracle(4, i -> !faulty[i], i -> views[i], i -> true, () -> 1_000);

    @Test
    void aCorrectReplicaAloneInAViewLongerThanTheBoundFailsTheRun() {
        views[0] = 5;
        oracle.check(10);
        assertNull(oracle.failure(), "not armed before the heal");
        oracle.arm(100);                       // the split counts from the heal
        oracle.check(1_100);
        assertNull(oracle.failure(), "within the bound");
        oracle.check(1_101);
        assertNotNull(oracle.failure());
        assertTrue(oracle.failure().contains("views 0=5 1=0 2=0 3=0(faulty)"), oracle.failure());
    }

    @Test
    void splitsThatEndWithinTheBoundAndFaultyReplicasDoNotCount() {
        oracle.arm(0);
        views[3] = 9;                          // a faulty replica anywhere
        views[1] = 1;                          // a view change spreading
        oracle.check(500);
        views[0] = 1;
        views[2] = 1;
        oracle.check(1_400);                   // all correct replicas in view 1 again: the split ended
        views[2] = 2;
        oracle.check(2_000);
        oracle.check(2_900);
        assertNull(oracle.failure(), "each split within the bound");
        oracle.check(3_001);
        assertNotNull(oracle.failure(), "the second split outlasted it");
    }
}
