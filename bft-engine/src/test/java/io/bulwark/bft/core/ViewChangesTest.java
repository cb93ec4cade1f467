package io.bulwark.bft.core;

import static io.bulwark.bft.core.CoreFixture.CLIENT;
import static io.bulwark.bft.core.CoreFixture.pp;
import static io.bulwark.bft.core.CoreFixture.req;
import static io.bulwark.bft.core.CoreFixture.viewChange;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.NewView;
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.ViewChange;
import io.bulwark.bft.msg.ViewChangeAck;
import java.util.List;
import org.junit.jupiter.api.Test;

/** View changes (section 4.5 and [6]): leaving a view, joining by f+1, the new view's decision and its installation. */
class ViewChangesTest {

    private static NewView.ViewChangeRef ref(ViewChange vc) {
        return new NewView.ViewChangeRef(vc.replica(), MessageCodec.viewChangeDigest(vc));
    }

    @Test
    void fPlusOneReplicasInHigherViewsMakeAReplicaJoinTheSmallestViewTheyVouchFor() {
        CoreFixture x = new CoreFixture(1);
        x.receive(2, viewChange(5, 2));
        assertEquals(0, x.r.view(), "one replica may be faulty");
        assertTrue(x.r.viewActive());
        x.receive(3, viewChange(3, 3));
        assertEquals(3, x.r.view(), "f+1 of them: the lowest view among the top f+1");
        assertFalse(x.r.viewActive());
        assertEquals(1, x.r.viewChangesStarted());
        assertTrue(x.sent().stream().anyMatch(m -> m instanceof ViewChange vc && vc.view() == 3 && vc.replica() == 1));
    }

    @Test
    void whileChangingTheNormalCaseIsOutOfViewAndWhileActiveTheViewChangeMessagesAre() {
        CoreFixture x = new CoreFixture(2);
        x.receive(3, new ViewChangeAck(0, 3, 1, Replica.GENESIS));
        x.receive(0, new NewView(0, List.of(), 0, Replica.GENESIS, List.of()));
        assertEquals(2, x.r.counters().ignored(Ignored.WRONG_VIEW), "no view change under way");
        x.r.views.startViewChange(1);
        x.receive(1, pp(1, 1, req(CLIENT, 1, "a")));   // from the primary of view 1, which is not installed yet
        x.receive(3, new Prepare(1, 1, Replica.GENESIS, 3));
        x.receive(3, new Commit(1, 1, Replica.GENESIS, 3));
        assertEquals(5, x.r.counters().ignored(Ignored.WRONG_VIEW), "pre-prepare, prepare and commit wait for the new view");
        assertEquals(0, x.r.agreement.logSize());
    }

    @Test
    void theNewPrimaryAdmitsViewChangesVouchedForByAcksAndInstallsTheView() {
        CoreFixture x = new CoreFixture(1);   // primary of view 1
        ViewChange two = viewChange(1, 2), three = viewChange(1, 3);
        x.receive(2, two);
        x.receive(3, three);
        assertEquals(1, x.r.view());
        assertFalse(x.r.viewActive(), "S holds only its own view-change until acks vouch for the others");
        x.receive(3, new ViewChangeAck(1, 3, 2, MessageCodec.viewChangeDigest(two)));
        assertFalse(x.r.viewActive(), "two view-changes in S are not 2f+1");
        x.receive(2, new ViewChangeAck(1, 2, 3, MessageCodec.viewChangeDigest(three)));
        assertTrue(x.r.viewActive());
        NewView nv = (NewView) x.sent().stream().filter(m -> m instanceof NewView).findFirst().orElseThrow();
        assertEquals(3, nv.viewChanges().size());
        assertEquals(0, nv.checkpointSeq());
        assertEquals(List.of(), nv.selected());
    }

    @Test
    void aBackupInstallsANewViewTheViewChangesItHoldsSupport() {
        CoreFixture x = new CoreFixture(2);   // a backup of view 1 (primary 1)
        ViewChange one = viewChange(1, 1), three = viewChange(1, 3);
        x.receive(1, one);
        x.receive(3, three);
        assertEquals(1, x.r.view());
        ViewChange mine = x.r.views.mine;
        List<Message> acks = x.sent();
        assertTrue(acks.contains(new ViewChangeAck(1, 2, 3, MessageCodec.viewChangeDigest(three))), "acks go to the new primary");
        NewView few = new NewView(1, List.of(ref(one), ref(mine)), 0, Replica.GENESIS, List.of());
        x.receive(1, few);
        assertEquals(1, x.r.counters().ignored(Ignored.BAD_NEW_VIEW), "fewer than 2f+1 view-changes");
        NewView nv = new NewView(1, List.of(ref(one), ref(mine), ref(three)), 0, Replica.GENESIS, List.of());
        x.receive(3, nv);
        assertEquals(1, x.r.counters().ignored(Ignored.NOT_FROM_PRIMARY));
        assertFalse(x.r.viewActive());
        x.receive(1, nv);
        assertTrue(x.r.viewActive());
        assertEquals(1, x.r.view());
    }

    /**
     * Issue 15 item 3 (sim seed 2042 f=1, lying-view-change): a faulty replica sent one view-change to
     * us and another to the new primary, which names its own copy. Our STATUS must not claim we hold
     * the named one, or nobody forwards it or vouches for it and we wait for good.
     */
    @Test
    void aBackupHoldingAnotherVersionOfANamedViewChangeSaysItLacksItAndInstallsWithTheForwardedCopy() {
        CoreFixture x = new CoreFixture(2);   // a backup of view 1 (primary 1); 3 is faulty
        ViewChange one = viewChange(1, 1), toUs = viewChange(1, 3);
        ViewChange toPrimary = new ViewChange(1, 3, 0, List.of(new ViewChange.CheckpointRef(0, Replica.GENESIS),
                new ViewChange.CheckpointRef(4, io.bulwark.bft.crypto.Digests.of("lie".getBytes()))), List.of(), List.of());
        x.receive(1, one);
        x.receive(3, toUs);
        assertTrue(x.r.retransmission.status().hasViewChange(3));
        NewView nv = new NewView(1, List.of(ref(one), ref(x.r.views.mine), ref(toPrimary)), 0, Replica.GENESIS, List.of());
        x.receive(1, nv);
        assertFalse(x.r.viewActive(), "the named view-change of 3 is not the one we hold");
        assertFalse(x.r.retransmission.status().hasViewChange(3), "so our STATUS says we lack it");
        assertTrue(x.r.retransmission.status().hasViewChange(1));
        // The primary forwards its copy; f = 1 other replica (0) vouches for it.
        x.receive(1, toPrimary);
        assertFalse(x.r.viewActive(), "a forwarded copy needs f acks");
        x.receive(0, new ViewChangeAck(1, 0, 3, MessageCodec.viewChangeDigest(toPrimary)));
        assertTrue(x.r.viewActive());
        assertEquals(1, x.r.view());
    }

    /**
     * Issue 15 item 3: a replica that suspected the view keeps saying so at each status period once
     * another replica has left it, so the f+1 correct suspicions behind a replica that left do not
     * lapse before every correct replica has heard them; one that never suspected does not start.
     */
    @Test
    void aSuspicionIsRepeatedEachStatusPeriodOnceSomeoneHasLeftTheView() {
        CoreFixture quiet = new CoreFixture(2);
        quiet.receive(3, viewChange(1, 3));
        quiet.take();
        quiet.fire(TimerKind.STATUS);
        assertTrue(quiet.sent().stream().noneMatch(m -> m instanceof io.bulwark.bft.msg.Suspect), "it never suspected view 0");

        CoreFixture x = new CoreFixture(2);
        x.receive(CLIENT, req(CLIENT, 1, "a"));
        x.now += CoreFixture.CFG.viewChangeTimeoutMs() / 4;
        x.fire(TimerKind.ORDERING);
        assertTrue(x.sent().stream().anyMatch(m -> m instanceof io.bulwark.bft.msg.Suspect s && s.view() == 0), "our own suspicion");
        x.fire(TimerKind.STATUS);
        assertTrue(x.sent().stream().noneMatch(m -> m instanceof io.bulwark.bft.msg.Suspect), "nobody left: not repeated");
        x.receive(3, viewChange(1, 3));   // replica 3 left view 0: f+1 suspicions with ours, 2f+1 needed to leave
        assertEquals(0, x.r.view());
        x.take();
        x.now += 10 * CoreFixture.CFG.viewChangeTimeoutMs();   // long past our suspicion's lifetime
        x.fire(TimerKind.STATUS);
        assertTrue(x.sent().stream().anyMatch(m -> m instanceof io.bulwark.bft.msg.Suspect s && s.view() == 0 && s.replica() == 2),
                "repeated while someone is ahead");
        // Replica 3's VIEW-CHANGE comes again (retransmitted at our STATUS), and a third suspicion ends the view for us too.
        x.receive(3, viewChange(1, 3));
        assertEquals(0, x.r.view(), "f+1");
        x.receive(0, new io.bulwark.bft.msg.Suspect(0, 0));
        assertEquals(1, x.r.view());
    }

    /**
     * Section 6.3: a primary about to be rebooted for its recovery multicasts a VIEW-CHANGE first,
     * and the backups move to the next view at once, with no timer running out — also when one
     * backup is faulty and says nothing. A backup asked to step down does nothing.
     */
    @Test
    void aPrimaryThatStepsDownMovesTheGroupToTheNextViewWithoutATimeout() {
        for (int[] faulty : new int[][] {{}, {3}}) {
            ScriptedGroup g = new ScriptedGroup(1, faulty);
            assertFalse(g.replicas[1].stepDown(g.now), "a backup does not step down");
            assertTrue(g.replicas[0].stepDown(g.now));
            g.collect(0);
            assertFalse(g.replicas[0].stepDown(g.now), "once: it is changing views now");
            g.deliver(e -> true);
            for (int i = 0; i < g.n; i++) {
                if (!g.correct(i)) continue;
                assertEquals(1, g.replicas[i].view(), "replica " + i + " with faulty " + java.util.Arrays.toString(faulty));
                assertTrue(g.replicas[i].viewActive(), "replica " + i + " installed view 1");
            }
            assertEquals(1, g.replicas[0].stepDowns());
        }
    }

    /**
     * "Never alone" holds against a faulty primary that steps down towards one correct backup only:
     * the backup suspects (f+1 with the primary) but does not leave, and nobody else does either.
     */
    @Test
    void aFaultyPrimaryCannotTakeOneBackupAwayAloneByAbdicatingToItOnly() {
        ScriptedGroup g = new ScriptedGroup(1, 0);
        g.send(0, 1, viewChange(1, 0));
        g.deliver(e -> true);
        assertTrue(g.replicas[1].drainNotices().stream().anyMatch(x -> x instanceof Notice.PrimaryAbdicated),
                "the backup it told suspects it at once");
        for (int i = 1; i < g.n; i++) {
            assertEquals(0, g.replicas[i].view(), "replica " + i);
            assertTrue(g.replicas[i].viewActive(), "replica " + i + " still in view 0");
        }
    }

    /**
     * The big-MAC defence no longer bypasses the SUSPECT rule: a faulty replica aiming its AUTH-FAILURE
     * at one correct backup, beside one genuine complaint, brought that backup to f+1 complaints, and
     * it left view 0 alone. Now it suspects the primary and stays, as does everyone else.
     */
    @Test
    void authFailuresAimedAtOneBackupDoNotTakeItAwayAlone() {
        ScriptedGroup g = new ScriptedGroup(1, 3);
        io.bulwark.bft.msg.AuthFailure genuine = new io.bulwark.bft.msg.AuthFailure(1, 0, 1, 5, 1);
        g.send(1, 0, genuine);
        g.send(1, 2, genuine);
        g.send(3, 2, new io.bulwark.bft.msg.AuthFailure(3, 0, 1, 5, 1));   // aimed at replica 2 only
        g.deliver(e -> true);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, g.replicas[i].view(), "replica " + i);
            assertTrue(g.replicas[i].viewActive(), "replica " + i + " still in view 0");
        }
        assertTrue(g.replicas[2].quarantinesImposed() > 0, "replica 2 quarantined the client under primary 0 (f+1 complaints)");
    }

    @Test
    void aNewViewThatComesBeforeTheViewChangesIsUsedOnceTheReplicaJoins() {
        CoreFixture x = new CoreFixture(2);
        ViewChange one = viewChange(1, 1), three = viewChange(1, 3);
        // Our own view-change for view 1 is what we will send: equal to viewChange(1, 2) (nothing executed).
        NewView nv = new NewView(1, List.of(ref(one), ref(viewChange(1, 2)), ref(three)), 0, Replica.GENESIS, List.of());
        x.receive(1, nv);
        assertEquals(0, x.r.view());
        assertEquals(0, x.r.counters().totalIgnored(), "kept, not counted");
        x.receive(1, one);
        x.receive(3, three);
        assertTrue(x.r.viewActive());
        assertEquals(1, x.r.view());
    }

    @Test
    void malformedViewChangesAreRejected() {
        CoreFixture x = new CoreFixture(1);
        x.receive(2, viewChange(0, 2));                // view 0 has no view change
        x.receive(2, viewChange(1, 3));                // a copy from someone not the new primary
        assertEquals(2, x.r.counters().ignored(Ignored.BAD_VIEW_CHANGE));
        assertNull(x.r.views.round);
    }
}
