package io.bulwark.bft.core;

import static io.bulwark.bft.core.CoreFixture.CFG;
import static io.bulwark.bft.core.CoreFixture.CLIENT;
import static io.bulwark.bft.core.CoreFixture.pp;
import static io.bulwark.bft.core.CoreFixture.read;
import static io.bulwark.bft.core.CoreFixture.req;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.Request;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The request queue: what a replica holds of clients' requests, and the primary's batches. */
class RequestQueueTest {

    @Test
    void aBackupHoldsAClientsRequestAndRunsItsTimersForIt() {
        CoreFixture x = new CoreFixture(1);
        x.receive(CLIENT, req(CLIENT, 1, "abc"));
        List<ReplicaAction> out = x.take();
        assertEquals(1, x.r.requests.size());
        assertEquals(3, x.r.requests.bytes());
        assertEquals(x.now, x.r.requests.oldestAwaitingOrder());
        assertTrue(CoreFixture.timerSet(out, TimerKind.ORDERING));
        assertTrue(CoreFixture.timerSet(out, TimerKind.VIEW_CHANGE));
    }

    @Test
    void aBackupKeepsOnlyWhatItsClientSentItDirectly() {
        CoreFixture x = new CoreFixture(1);
        x.receive(2, req(CLIENT, 1, "a"));   // relayed by another replica: not held
        assertEquals(0, x.r.requests.size());
        x.receive(CLIENT, req(CLIENT, 1, "a"));
        Request copy = req(CLIENT, 1, "a");
        x.receive(CLIENT, copy);             // the client's own later copy replaces the one held
        assertSame(copy, x.r.requests.pending(CLIENT));
        assertEquals(1, x.r.requests.size());
        assertEquals(1, x.r.counters().ignored(Ignored.DUPLICATE_REQUEST));
        assertTrue(x.take().stream().anyMatch(a -> a instanceof Action.Send s && s.to() == 0 && s.message() == copy),
                "a retransmission is relayed to the primary");
    }

    @Test
    void badRequestsAreCountedAndChangeNothing() {
        CoreFixture x = new CoreFixture(1);
        x.receive(3, req(3, 1, "a"));                                        // a replica is a client of its recovery request only
        x.receive(CLIENT, req(CLIENT, 1, "x".repeat(CFG.maxOperationBytes() + 1)));
        assertEquals(1, x.r.counters().ignored(Ignored.NOT_A_RECOVERY_REQUEST));
        assertEquals(1, x.r.counters().ignored(Ignored.OVERSIZED_REQUEST));
        assertEquals(0, x.r.requests.size());
    }

    @Test
    void aPrePreparedRequestNoLongerAwaitsOrderAndAnExecutedOneLeaves() {
        CoreFixture x = new CoreFixture(1);
        Request q = req(CLIENT, 1, "a");
        x.receive(CLIENT, q);
        PrePrepare p = pp(0, 1, q);
        x.receive(0, p);
        assertEquals(null, x.r.requests.oldestAwaitingOrder(), "ordered: no ordering deadline");
        assertTrue(x.r.requests.assigned(q));
        assertEquals(1, x.r.requests.size(), "still held until it executes");
        x.commitAtBackup(p);
        assertEquals(1, x.r.lastExecuted());
        assertEquals(0, x.r.requests.size());
        assertFalse(x.r.requests.assigned(q));
        x.take();
        x.receive(CLIENT, q);   // a retransmission: the cached reply again
        assertTrue(x.take().stream().anyMatch(a -> a instanceof Action.Send s && s.to() == CLIENT));
    }

    @Test
    void thePrimaryBatchesWithinItsPipelineAndKeepsTheRest() {
        CoreFixture x = new CoreFixture(0);
        int requests = CFG.maxInFlightBatches() + 2;
        for (int c = 0; c < requests; c++) x.receive(CLIENT + c, req(CLIENT + c, 1, "op"));
        List<Message> sent = x.sent();
        assertEquals(CFG.maxInFlightBatches(), CoreFixture.count(sent, PrePrepare.class), "one batch per request while the pipeline has room");
        assertEquals(2, x.r.requests.size(), "the rest waits for the pipeline");
        assertEquals(CFG.maxInFlightBatches() + 1, x.r.agreement.nextSeq);
    }

    @Test
    void aReadWaitsUntilEverythingPreparedHereHasExecuted() {
        CoreFixture x = new CoreFixture(1);
        PrePrepare p = pp(0, 1, req(CLIENT + 1, 1, "w"));
        x.receive(0, p);
        for (int j = 2; j <= 3; j++) x.receive(j, new Prepare(0, 1, p.digest(), j));   // prepared, not committed
        x.take();
        x.receive(CLIENT, read(CLIENT, 1));
        assertFalse(x.r.requests.readsMayRun());
        assertEquals(1, x.r.requests.deferredReads());
        assertTrue(x.take().stream().noneMatch(a -> a instanceof ReplicaAction.ExecuteReadOnly));
        for (int j : new int[] {0, 2, 3}) x.receive(j, new io.bulwark.bft.msg.Commit(0, 1, p.digest(), j));
        List<ReplicaAction> out = x.take();
        assertEquals(List.of(1L), CoreFixture.executions(out));
        assertTrue(out.stream().anyMatch(a -> a instanceof ReplicaAction.ExecuteReadOnly), "the read runs after the write");
        assertEquals(0, x.r.requests.deferredReads());
    }

    @Test
    void aReplayedReadIsNotExecutedTwice() {
        CoreFixture x = new CoreFixture(1);
        x.receive(CLIENT, read(CLIENT, 5));
        x.receive(CLIENT, read(CLIENT, 5));
        assertEquals(1, CoreFixture.count(x.take(), ReplicaAction.ExecuteReadOnly.class));
        assertEquals(1, x.r.counters().ignored(Ignored.READ_ONLY_REPLAY));
    }
}
