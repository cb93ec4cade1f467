package io.bulwark.bft.core;

import static io.bulwark.bft.core.CoreFixture.CFG;
import static io.bulwark.bft.core.CoreFixture.CLIENT;
import static io.bulwark.bft.core.CoreFixture.pp;
import static io.bulwark.bft.core.CoreFixture.req;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.crypto.Digests;
import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.Data;
import io.bulwark.bft.msg.Fetch;
import io.bulwark.bft.msg.FetchBatch;
import io.bulwark.bft.msg.MetaData;
import io.bulwark.bft.msg.PrePrepare;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Catching up (section 4.6.2): being behind, commits of earlier views, corrupt state, serving transfers. */
class CatchingUpTest {

    @Test
    void fPlusOneOthersOrderingBeyondOurWindowMeanWeAreBehindButFCannotSayIt() {
        CoreFixture x = new CoreFixture(1);
        long beyond = CFG.logSize() + 3;
        Digest d = Digests.of("batch".getBytes());
        x.receive(3, new Commit(0, beyond, d, 3));
        assertFalse(x.r.catchUp.behind(), "one replica may be the faulty one");
        x.receive(2, new Commit(0, beyond, d, 2));
        assertTrue(x.r.catchUp.behind());
        assertEquals(2, x.r.counters().ignored(Ignored.OUTSIDE_WATER_MARKS));
    }

    /** Replica 1 in view 2 with its log starting at checkpoint K (as a new view leaves it) and nothing executed. */
    private static CoreFixture belowTheLog() {
        CoreFixture x = new CoreFixture(1);
        x.r.view = 2;
        x.r.h = CFG.checkpointInterval();
        return x;
    }

    @Test
    void twoFPlusOneCommitsOfOneEarlierViewBelowTheLogLetUsExecuteOnceWeHaveTheBody() {
        CoreFixture x = belowTheLog();
        PrePrepare p = pp(0, 1, req(CLIENT, 1, "a"));
        x.receive(0, new Commit(0, 1, p.digest(), 0));
        x.receive(2, new Commit(1, 1, p.digest(), 2));   // another view: does not match
        x.receive(3, new Commit(0, 1, p.digest(), 3));
        assertTrue(x.sent().stream().noneMatch(m -> m instanceof FetchBatch), "no certificate yet");
        x.receive(2, new Commit(0, 1, p.digest(), 2));   // replica 2's first commit counted already
        assertTrue(x.sent().stream().noneMatch(m -> m instanceof FetchBatch));
        x.r.catchUp.onCatchUpCommit(1, new Commit(0, 1, p.digest(), 1));   // our own from that view
        assertTrue(x.sent().contains(new FetchBatch(1, 1, p.digest())), "certified: the body is asked for by digest");
        assertEquals(0, x.r.lastExecuted());
        x.receive(3, p);   // any replica may answer: the digest checks it
        assertEquals(1, x.r.lastExecuted());
    }

    @Test
    void aCommitTooFarAboveOurExecutionIsNotKept() {
        CoreFixture x = belowTheLog();
        x.r.h = 3L * CFG.logSize();
        x.receive(0, new Commit(0, CFG.logSize() + 1, Digests.of(new byte[] {1}), 0));
        assertEquals(1, x.r.counters().ignored(Ignored.OUTSIDE_WATER_MARKS));
    }

    @Test
    void aFailedOrderedExecutionMakesTheStateCorruptAndNothingExecutesUntilItIsRepaired() {
        CoreFixture x = new CoreFixture(1);
        PrePrepare p = pp(0, 1, req(CLIENT, 1, "a"));
        x.receive(0, p);
        for (int j = 2; j <= 3; j++) x.receive(j, new io.bulwark.bft.msg.Prepare(0, 1, p.digest(), j));
        for (int j : new int[] {0, 2, 3}) x.r.receive(x.now, j, new Commit(0, 1, p.digest(), j));
        assertTrue(x.r.ready().stream().anyMatch(a -> a instanceof ReplicaAction.Execute));
        x.r.executionFailed(x.now);
        assertTrue(x.r.corrupt());
        assertEquals(1, x.r.counters().ignored(Ignored.STATE_CORRUPT));
        assertTrue(x.r.catchUp.behind(), "a corrupt replica does not judge the primary");
        x.commitAtBackup(pp(0, 2, req(CLIENT, 2, "b")));
        assertEquals(List.of(), CoreFixture.executions(x.take()));
        assertEquals(0, x.r.lastExecuted());
    }

    @Test
    void transferMessagesOutsideATransferAreCounted() {
        CoreFixture x = new CoreFixture(1);
        x.receive(2, new MetaData(0, 0, 0, 2, List.of()));
        x.receive(9, new Data(0, 0, new byte[0]));
        assertEquals(1, x.r.counters().ignored(Ignored.UNEXPECTED_MESSAGE));
        assertEquals(1, x.r.counters().ignored(Ignored.NOT_A_REPLICA));
    }

    @Test
    void theReplierServesPartitionsOfCheckpointsItHoldsAndRefusesTheRest() {
        CoreFixture x = new CoreFixture(1);
        x.receive(2, new Fetch(2, 0, 0, 0));
        assertTrue(x.sent().stream().anyMatch(m -> m instanceof MetaData || m instanceof Data), "the root of the initial state");
        x.receive(2, new Fetch(2, 40, 0, 0));
        assertEquals(1, x.r.counters().ignored(Ignored.CHECKPOINT_NOT_HELD));
        x.receive(2, new Fetch(2, 0, 99, 0));
        assertEquals(1, x.r.counters().ignored(Ignored.BAD_FETCH));
        x.receive(3, new Fetch(2, 0, 0, 0));
        assertEquals(1, x.r.counters().ignored(Ignored.NOT_A_REPLICA), "a claimed sender other than the authenticated one");
    }
}
