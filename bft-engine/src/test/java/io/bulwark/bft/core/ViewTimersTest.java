package io.bulwark.bft.core;

import static io.bulwark.bft.core.CoreFixture.CFG;
import static io.bulwark.bft.core.CoreFixture.CLIENT;
import static io.bulwark.bft.core.CoreFixture.pp;
import static io.bulwark.bft.core.CoreFixture.req;
import static io.bulwark.bft.core.CoreFixture.viewChange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.msg.PrePrepare;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The view-change and ordering timers ([6]): when they run, what firing does, the backoff. */
class ViewTimersTest {
    private static final long BASE = CFG.viewChangeTimeoutMs();

    @Test
    void theOrderingDeadlineIsAQuarterOfTheViewChangeTimeoutFromTheRequestsArrival() {
        CoreFixture x = new CoreFixture(1);
        x.receive(CLIENT, req(CLIENT, 1, "a"));
        Action.SetTimer t = x.take().stream().filter(a -> a instanceof Action.SetTimer s && s.kind() == TimerKind.ORDERING)
                .map(a -> (Action.SetTimer) a).findFirst().orElseThrow();
        assertEquals(x.now + BASE / 4, t.deadline());
        x.now = t.deadline();
        x.fire(TimerKind.ORDERING);
        assertTrue(x.take().stream().anyMatch(a -> a instanceof Action.Multicast m && m.message() instanceof io.bulwark.bft.msg.Suspect),
                "not pre-prepared in time: the primary is suspected");
        x.receive(2, new io.bulwark.bft.msg.Suspect(0, 2));
        assertEquals(0, x.r.view(), "f+1 suspicions: not yet");
        x.receive(3, new io.bulwark.bft.msg.Suspect(0, 3));
        assertEquals(1, x.r.view(), "2f+1 suspicions: the view is left");
    }

    @Test
    void anOrderingTimerForARequestPrePreparedInTimeChangesNothing() {
        CoreFixture x = new CoreFixture(1);
        x.receive(CLIENT, req(CLIENT, 1, "a"));
        x.receive(0, pp(0, 1, req(CLIENT, 1, "a")));
        x.now += BASE;
        x.fire(TimerKind.ORDERING);
        assertEquals(0, x.r.view());
        assertTrue(x.r.viewActive());
    }

    @Test
    void theViewChangeTimerFiresOnlyWhileSomethingWaitsToExecute() {
        CoreFixture x = new CoreFixture(0);   // the primary
        x.fire(TimerKind.VIEW_CHANGE);
        assertEquals(0, x.r.view(), "nothing armed");
        x.receive(CLIENT, req(CLIENT, 1, "a"));
        List<ReplicaAction> out = x.take();
        assertTrue(CoreFixture.timerSet(out, TimerKind.VIEW_CHANGE), "the primary's batch runs its timer too");
        assertTrue(x.r.timers.waitingForExecution());
        x.now += BASE;
        x.fire(TimerKind.VIEW_CHANGE);
        assertEquals(0, x.r.view(), "a suspicion, not yet a view change");
        assertTrue(CoreFixture.timerSet(x.take(), TimerKind.VIEW_CHANGE), "re-armed: a wait that goes on suspects again");
        x.receive(1, new io.bulwark.bft.msg.Suspect(0, 1));
        x.receive(2, new io.bulwark.bft.msg.Suspect(0, 2));
        assertEquals(1, x.r.view(), "2f+1 suspicions");
    }

    @Test
    void theTimeoutDoublesPerViewChangeThatDidNotCompleteAndReturnsToItsBaseOnProgress() {
        CoreFixture x = new CoreFixture(2);
        assertEquals(BASE, x.r.viewChangeTimeoutMs());
        x.receive(1, viewChange(1, 1));
        x.receive(3, viewChange(1, 3));
        assertEquals(1, x.r.view());
        assertTrue(x.r.timers.viewChangeArmed, "2f+1 view-changes in: the new view has a deadline");
        x.fire(TimerKind.VIEW_CHANGE);
        assertEquals(1, x.r.view(), "no NEW-VIEW in time: a suspicion of view 1, not yet a move");
        assertTrue(x.r.timers.viewChangeArmed, "waiting afresh");
        x.receive(3, viewChange(2, 3));   // replica 3 gave up on view 1 too: f+1 suspicions
        assertEquals(1, x.r.view(), "f+1 suspicions: not yet");
        x.receive(1, new io.bulwark.bft.msg.Suspect(1, 1));   // and 1 suspects it: 2f+1
        assertEquals(2, x.r.view(), "on to the next view");
        assertEquals(2 * BASE, x.r.viewChangeTimeoutMs());
        for (int i = 0; i < 10; i++) x.r.timers.leaveView(false);
        assertEquals(BASE << ViewTimers.MAX_BACKOFF_DOUBLINGS, x.r.viewChangeTimeoutMs(), "bounded");
        x.r.timers.progress();
        assertEquals(BASE, x.r.viewChangeTimeoutMs());
    }

    @Test
    void timersAreHeldWhileBehindAndStartOnFreshDeadlinesAfterwards() {
        CoreFixture x = new CoreFixture(1);
        x.checkpoint(CFG.checkpointInterval(), io.bulwark.bft.crypto.Digests.of("theirs".getBytes()), 2, 3);
        assertTrue(x.r.catchUp.behind());
        x.receive(CLIENT, req(CLIENT, 1, "a"));
        assertFalse(CoreFixture.timerSet(x.take(), TimerKind.ORDERING), "held while behind");
        x.now += BASE;
        for (long seq = 1; seq <= CFG.checkpointInterval(); seq++) {
            PrePrepare p = pp(0, seq, req(CLIENT + 1, seq, "b"));
            x.commitAtBackup(p);
        }
        assertFalse(x.r.catchUp.behind());
        Action.SetTimer t = x.take().stream().filter(a -> a instanceof Action.SetTimer s && s.kind() == TimerKind.ORDERING)
                .map(a -> (Action.SetTimer) a).findFirst().orElseThrow();
        assertEquals(x.now + BASE / 4, t.deadline(), "a fresh deadline from catching up");
    }
}
