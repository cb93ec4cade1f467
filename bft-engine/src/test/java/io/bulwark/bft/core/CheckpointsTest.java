package io.bulwark.bft.core;

import static io.bulwark.bft.core.CoreFixture.CFG;
import static io.bulwark.bft.core.CoreFixture.CLIENT;
import static io.bulwark.bft.core.CoreFixture.pp;
import static io.bulwark.bft.core.CoreFixture.req;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.crypto.Digests;
import io.bulwark.bft.msg.Checkpoint;
import io.bulwark.bft.msg.Fetch;
import io.bulwark.bft.msg.Message;
import org.junit.jupiter.api.Test;

/** Checkpoints and garbage collection (section 4.3): votes, stability, the water marks, far reports. */
class CheckpointsTest {

    /** Executes batches {@code from..to} at backup 1, one request each. */
    private static void execute(CoreFixture x, long from, long to) {
        for (long seq = from; seq <= to; seq++) x.commitAtBackup(pp(0, seq, req(CLIENT, seq, "op" + seq)));
        assertEquals(to, x.r.lastExecuted());
    }

    @Test
    void aCheckpointIsTakenEveryKAndBecomesStableAtTwoFPlusOneMatchingDigests() {
        CoreFixture x = new CoreFixture(1);
        execute(x, 1, CFG.checkpointInterval());
        long k = CFG.checkpointInterval();
        Digest mine = x.r.checkpointDigest(k);
        assertNotNull(mine);
        assertTrue(x.sent().contains(new Checkpoint(k, mine, 1)), "our checkpoint is multicast");
        x.checkpoint(k, mine, 0);
        assertEquals(0, x.r.stableSeq(), "two matching are not 2f+1");
        x.checkpoint(k, mine, 2);
        assertEquals(k, x.r.stableSeq());
        assertEquals(k, x.r.lowWaterMark(), "h moves up to the stable checkpoint");
        assertEquals(k, x.r.knownStable());
        assertEquals(k, x.r.agreement.logSize(), "the log keeps one more interval (retransmission)");
        execute(x, k + 1, 2 * k);
        x.checkpoint(2 * k, x.r.checkpointDigest(2 * k), 0, 2);
        assertEquals(2 * k, x.r.lowWaterMark());
        assertEquals(k, x.r.agreement.logSize(), "entries at or below the previous stable checkpoint went");
        assertEquals(null, x.r.checkpointDigest(k), "and the older checkpoint's votes");
    }

    @Test
    void aReplicasFirstCheckpointVoteCounts() {
        CoreFixture x = new CoreFixture(1);
        execute(x, 1, CFG.checkpointInterval());
        long k = CFG.checkpointInterval();
        Digest mine = x.r.checkpointDigest(k);
        x.checkpoint(k, Digests.of(new byte[] {7}), 0);
        x.checkpoint(k, mine, 0, 2);
        assertEquals(0, x.r.stableSeq(), "replica 0's second vote does not count");
        x.checkpoint(k, mine, 3);
        assertEquals(k, x.r.stableSeq());
    }

    @Test
    void checkpointsOffTheIntervalAreCountedAndOldOnesIgnored() {
        CoreFixture x = new CoreFixture(1);
        x.checkpoint(CFG.checkpointInterval() + 1, Digests.of(new byte[] {1}), 2);
        assertEquals(1, x.r.counters().ignored(Ignored.CHECKPOINT_TOO_FAR));
        x.checkpoint(0, Digests.of(new byte[] {1}), 2);   // at or below our stable checkpoint: old news
        assertEquals(1, x.r.counters().totalIgnored());
    }

    @Test
    void fPlusOneMatchingDigestsAboveOurExecutionMakeATargetAndTwoFPlusOneDisagreeingMakeUsCorrupt() {
        CoreFixture x = new CoreFixture(1);
        long k = CFG.checkpointInterval();
        Digest theirs = Digests.of("theirs".getBytes());
        x.checkpoint(k, theirs, 2);
        assertFalse(x.r.catchUp.behind());
        x.checkpoint(k, theirs, 3);
        assertTrue(x.r.catchUp.behind(), "f+1 vouch for a state we have not reached");
        assertFalse(x.r.transferring(), "within the log: we catch up by executing first");
        execute(x, 1, k);   // our own state at k differs from theirs
        x.checkpoint(k, theirs, 0);
        assertEquals(1, x.r.counters().ignored(Ignored.CHECKPOINT_MISMATCH));
        assertTrue(x.r.corrupt());
        assertEquals(0, x.r.stableSeq());
    }

    /**
     * A replica restarted on a damaged saved state at the group's stable checkpoint lost the others'
     * votes for it, and an idle group takes no later checkpoint (the simulator's compromised replica,
     * issue 12 item 6): its STATUS asks for the checkpoint below, and the votes for the one it is at —
     * old news to a correct replica — give it the target of its repair.
     */
    @Test
    void aReplicaRestoredDamagedAtTheStableCheckpointAsksForItsVotesAndRepairsFromThem() {
        CoreFixture x = new CoreFixture(1);
        long k = CFG.checkpointInterval();
        execute(x, 1, k);
        Digest d = x.r.checkpointDigest(k);
        x.checkpoint(k, d, 0, 2);
        assertEquals(k, x.r.stableSeq());
        assertEquals(k, x.r.retransmission.status().stableSeq(), "a correct replica reports its stable checkpoint");

        io.bulwark.bft.state.PartitionTree saved = x.r.tree.copyAt(k);
        saved.read(0)[7] ^= 1;   // the damage: a page no longer matches its digest
        Replica again = new Replica(1, CFG, new io.bulwark.bft.state.ReplicatedState(1, 64, saved));
        again.restore(k, true);
        again.start(CoreFixture.NOW);
        assertEquals(1, again.checkState(CoreFixture.NOW), "the driver's check of the loaded state finds the page");
        again.ready();
        assertTrue(again.corrupt());
        assertEquals(k - 1, again.retransmission.status().stableSeq(), "a corrupt replica asks for the checkpoint it is at");
        again.receive(CoreFixture.NOW, 0, new Checkpoint(k, d, 0));
        assertFalse(again.transferring(), "one vote is not f+1");
        again.receive(CoreFixture.NOW, 2, new Checkpoint(k, d, 2));
        assertTrue(again.transferring(), "f+1 others vouch for the checkpoint it is at: it fetches it");
        assertTrue(again.ready().stream().anyMatch(a -> (a instanceof Action.Multicast m ? m.message() : a instanceof Action.Send t ? t.message() : null)
                instanceof Fetch f && f.checkpoint() == k), "a FETCH for it went out");
    }

    @Test
    void checkpointsFarAboveTheLogAreKeptBoundedAndFPlusOneOfThemStartATransfer() {
        CoreFixture x = new CoreFixture(1);
        long far = 10L * CFG.logSize();
        Digest d = Digests.of("far".getBytes());
        x.checkpoint(far, d, 2);
        assertFalse(x.r.transferring());
        assertEquals(null, x.r.checkpoints.get(far), "no votes kept that far up");
        x.checkpoint(far, d, 3);
        assertTrue(x.r.transferring());
        assertTrue(x.sent().stream().anyMatch((Message m) -> m instanceof Fetch fe && fe.checkpoint() == far));
    }
}
