package io.bulwark.bft.core;

import static io.bulwark.bft.core.CoreFixture.CLIENT;
import static io.bulwark.bft.core.CoreFixture.pp;
import static io.bulwark.bft.core.CoreFixture.req;
import static io.bulwark.bft.core.CoreFixture.viewChange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.Status;
import io.bulwark.bft.msg.ViewChange;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Retransmission (section 4.6.1): STATUS, and resending what a peer's STATUS shows it lacks. */
class RetransmissionTest {

    private static Status blank(int replica, long view, boolean active) {
        return new Status(view, replica, active, 0, 0, 0, new long[1], new long[1]);
    }

    @Test
    void theStatusShowsWhatIsPreparedAndCommittedAboveOurExecution() {
        CoreFixture x = new CoreFixture(1);
        PrePrepare two = pp(0, 2, req(CLIENT, 2, "b")), three = pp(0, 3, req(CLIENT, 3, "c"));
        x.commitAtBackup(two);   // committed, not executed (1 is missing)
        x.receive(0, three);
        x.receive(2, new Prepare(0, 3, three.digest(), 2));   // prepared
        Status st = x.r.retransmission.status();
        assertFalse(st.isPrepared(1));
        assertTrue(st.isPrepared(2) && st.isCommitted(2));
        assertTrue(st.isPrepared(3));
        assertFalse(st.isCommitted(3));
        assertEquals(0, st.lastExecuted());
        assertTrue(st.viewActive());
    }

    @Test
    void aPeerMissingOurPrepareAndCommitGetsThemAgain() {
        CoreFixture x = new CoreFixture(1);
        PrePrepare p = pp(0, 1, req(CLIENT, 1, "a"));
        x.receive(0, p);
        x.receive(2, new Prepare(0, 1, p.digest(), 2));
        x.receive(3, new Prepare(0, 1, p.digest(), 3));
        x.take();
        x.receive(2, blank(2, 0, true));
        List<Message> sent = x.sent();
        assertTrue(sent.contains(new Prepare(0, 1, p.digest(), 1)));
        assertTrue(sent.contains(new Commit(0, 1, p.digest(), 1)));
        assertFalse(sent.contains(p), "only the primary resends pre-prepares");
    }

    @Test
    void aPeerInALowerViewGetsOurViewChange() {
        CoreFixture x = new CoreFixture(1);
        x.r.views.startViewChange(1);
        ViewChange mine = x.r.views.mine;
        x.take();
        x.receive(2, blank(2, 0, true));
        assertEquals(List.of(mine), x.sent());
    }

    @Test
    void aBackupChangingToOurViewGetsTheViewChangesWeHoldAndOurAcks() {
        CoreFixture x = new CoreFixture(2);   // backup of view 1
        x.receive(1, viewChange(1, 1));
        x.receive(3, viewChange(1, 3));
        x.take();
        x.receive(3, blank(3, 1, false));   // it has none
        List<Message> sent = x.sent();
        assertTrue(sent.contains(x.r.views.mine));
        assertEquals(1, sent.stream().filter(m -> m instanceof io.bulwark.bft.msg.ViewChangeAck a && a.viewChangeSender() == 1).count(),
                "we vouch for the view-change of 1, which it lacks (not for its own, nor ours)");
    }

    @Test
    void trafficFromAHigherViewTriggersAStatusAtMostOncePerQuarterPeriod() {
        CoreFixture x = new CoreFixture(1);
        x.receive(2, new Prepare(3, 1, Replica.GENESIS, 2));
        x.receive(3, new Prepare(3, 1, Replica.GENESIS, 3));
        assertEquals(2, x.r.counters().ignored(Ignored.WRONG_VIEW));
        assertEquals(1, x.sent().stream().filter(m -> m instanceof Status).count());
        x.now += CoreFixture.CFG.statusIntervalMs() / 4;
        x.receive(3, new Prepare(3, 1, Replica.GENESIS, 3));
        assertEquals(1, x.sent().stream().filter(m -> m instanceof Status).count());
    }

    @Test
    void theStatusTimerMulticastsAndRearms() {
        CoreFixture x = new CoreFixture(1);
        x.fire(TimerKind.STATUS);
        List<ReplicaAction> out = x.take();
        assertTrue(out.stream().anyMatch(a -> a instanceof Action.Multicast m && m.message() instanceof Status));
        assertTrue(out.stream().anyMatch(a -> a instanceof Action.SetTimer t && t.kind() == TimerKind.STATUS
                && t.deadline() == x.now + CoreFixture.CFG.statusIntervalMs()));
    }
}
