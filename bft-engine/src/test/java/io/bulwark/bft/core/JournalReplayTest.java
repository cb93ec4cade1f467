package io.bulwark.bft.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.msg.Status;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 items 1 and 2 at the core: what a replica says depends on what it journaled first
 * ({@link ReplicaAction.Persist} comes before the send), and a replica restarted from its journal
 * keeps its word — it never prepares a second batch at a number it prepared, and it resends the
 * votes it cast. The same schedule without the journal shows what the test guards against.
 */
class JournalReplayTest {
    private static final ProtocolConfig CFG = ProtocolConfig.defaults(1).withCheckpointInterval(4, 8);
    private static final long NOW = 1_000_000;

    private static PrePrepare pp(long seq, String op) {
        byte[] nonDet = NonDet.encodeTime(NOW);
        List<Request> b = List.of(new Request(4, seq, false, 0, op.getBytes(), new byte[0]));
        return new PrePrepare(0, seq, MessageCodec.batchDigest(b, nonDet), nonDet, b);
    }

    private static List<LogEntry> journal(List<ReplicaAction> out) {
        List<LogEntry> j = new ArrayList<>();
        for (ReplicaAction a : out) if (a instanceof ReplicaAction.Persist p) j.add(p.entry());
        return j;
    }

    /** The index of the first action that is the multicast of {@code type}, or -1. */
    private static int multicastOf(List<ReplicaAction> out, Class<?> type) {
        for (int i = 0; i < out.size(); i++) if (out.get(i) instanceof Action.Multicast m && type.isInstance(m.message())) return i;
        return -1;
    }

    private static int persistOf(List<ReplicaAction> out, Class<?> type) {
        for (int i = 0; i < out.size(); i++) if (out.get(i) instanceof ReplicaAction.Persist p && type.isInstance(p.entry())) return i;
        return -1;
    }

    /**
     * The first vote of the view ({@code vote}: a backup's PREPARE, the primary's PRE-PREPARE): a reservation up to
     * the high water mark is journaled before it, and it waits for the entries that gate it (the reservation), not
     * for its own pre-prepared record.
     */
    private static void firstVoteOfTheView(List<ReplicaAction> out, Class<?> vote) {
        int reserved = persistOf(out, LogEntry.VotesReserved.class), sent = multicastOf(out, vote);
        assertTrue(reserved >= 0 && reserved < sent, out.toString());
        assertEquals(new LogEntry.VotesReserved(0, CFG.logSize()), ((ReplicaAction.Persist) out.get(reserved)).entry());
        assertTrue(ReplicaAction.waitsOnlyForGates(out.get(sent)), out.get(sent).toString());
    }

    @Test
    void votesAreJournaledBeforeTheyLeave() {
        Replica backup = new Replica(1, CFG);
        backup.journaled(true);
        backup.start(NOW);
        backup.ready();
        PrePrepare a = pp(1, "a");
        backup.receive(NOW, 0, a);
        List<ReplicaAction> out = backup.ready();
        assertTrue(persistOf(out, LogEntry.PrePrepared.class) >= 0 && persistOf(out, LogEntry.PrePrepared.class) < multicastOf(out, Prepare.class), out.toString());
        backup.receive(NOW, 2, new Prepare(0, 1, a.digest(), 2));
        backup.receive(NOW, 3, new Prepare(0, 1, a.digest(), 3));
        out = backup.ready();
        assertTrue(persistOf(out, LogEntry.Prepared.class) >= 0 && persistOf(out, LogEntry.Prepared.class) < multicastOf(out, Commit.class), out.toString());

        Replica primary = new Replica(0, CFG);
        primary.journaled(true);
        primary.start(NOW);
        primary.ready();
        primary.receive(NOW, 4, new Request(4, 1, false, 0, "x".getBytes(), new byte[0]));
        out = primary.ready();
        assertTrue(persistOf(out, LogEntry.PrePrepared.class) >= 0 && persistOf(out, LogEntry.PrePrepared.class) < multicastOf(out, PrePrepare.class), out.toString());
    }

    @Test
    void aRestartedBackupKeepsItsWordAndResendsItsVotes() {
        PrePrepare a = pp(1, "a"), b = pp(1, "b");
        Replica before = new Replica(1, CFG);
        before.journaled(true);
        before.start(NOW);
        List<ReplicaAction> all = new ArrayList<>(before.ready());
        before.receive(NOW, 0, a);
        before.receive(NOW, 2, new Prepare(0, 1, a.digest(), 2));
        before.receive(NOW, 3, new Prepare(0, 1, a.digest(), 3));
        all.addAll(before.ready());
        List<LogEntry> journal = journal(all);
        assertEquals(3, journal.size(), journal.toString());   // pre-prepared, the reservation, prepared

        // Restarted from the journal: a (faulty) primary's second batch at number 1 is refused.
        Replica after = restarted(journal);
        after.receive(NOW, 0, b);
        assertEquals(-1, multicastOf(after.ready(), Prepare.class), "no PREPARE for a second batch at a number it prepared");
        assertEquals(1, after.counters().snapshot().getOrDefault(Ignored.CONFLICTING_PRE_PREPARE, 0L));
        // A peer that lacks them gets the same PREPARE and COMMIT again (section 4.6.1).
        after.receive(NOW, 2, new Status(0, 2, true, 0, 0, 0, new long[1], new long[1]));
        List<ReplicaAction> resent = after.ready();
        assertTrue(resent.contains(new Action.Send(2, new Prepare(0, 1, a.digest(), 1))), resent.toString());
        assertTrue(resent.contains(new Action.Send(2, new Commit(0, 1, a.digest(), 1))), resent.toString());

        // The control: without its journal, the same replica prepares the second batch — equivocation.
        Replica forgetful = restarted(List.of());
        forgetful.receive(NOW, 0, b);
        assertTrue(multicastOf(forgetful.ready(), Prepare.class) >= 0, "a replica that forgot its votes prepares anything");
    }

    /**
     * A backup's PREPARE leaves before its pre-prepared record is durable, under a reservation journaled and
     * synced before the first such PREPARE ({@link LogEntry.VotesReserved}). A crash that loses the record
     * loses the memory of the vote: restarted, the replica refuses any pre-prepare at that number in that view,
     * so a faulty primary cannot get it to prepare a second batch there. The control replays the same journal
     * without the reservation (what the replica would know had it not written one): it prepares the second
     * batch, the equivocation the reservation prevents.
     */
    @Test
    void aPrepareThatLeftBeforeItsRecordWasDurableIsNeverContradictedAfterACrash() {
        PrePrepare a1 = pp(1, "a"), a2 = pp(2, "c"), b2 = pp(2, "d");
        Replica before = new Replica(1, CFG);
        before.journaled(true);
        before.start(NOW);
        List<ReplicaAction> all = new ArrayList<>(before.ready());
        before.receive(NOW, 0, a1);
        List<ReplicaAction> out = before.ready();
        all.addAll(out);
        firstVoteOfTheView(out, Prepare.class);
        assertTrue(!new LogEntry.PrePrepared(a1).gatesPrepares() && new LogEntry.VotesReserved(0, 1).gatesPrepares());
        // The next PREPARE is covered: no second reservation.
        before.receive(NOW, 0, a2);
        out = before.ready();
        all.addAll(out);
        assertEquals(-1, persistOf(out, LogEntry.VotesReserved.class), out.toString());
        assertTrue(multicastOf(out, Prepare.class) >= 0, out.toString());

        // A crash before the fsync that would have covered a2's record: the journal lost it, the PREPARE left.
        List<LogEntry> journal = journal(all);
        assertEquals(new LogEntry.PrePrepared(a2), journal.remove(journal.size() - 1));
        Replica after = restarted(journal);
        after.receive(NOW, 0, b2);
        assertEquals(-1, multicastOf(after.ready(), Prepare.class), "no PREPARE at a number it may have voted on before the crash");
        assertEquals(1, after.counters().snapshot().getOrDefault(Ignored.VOTE_FORGOTTEN, 0L));
        // Its durable vote it still keeps and resends (section 4.6.1).
        after.receive(NOW, 2, new Status(0, 2, true, 0, 0, 0, new long[1], new long[1]));
        assertTrue(after.ready().contains(new Action.Send(2, new Prepare(0, 1, a1.digest(), 1))));

        // After a graceful stop (its stop record journaled after everything it sent) nothing is forgotten: it prepares.
        List<LogEntry> stopped = new ArrayList<>(journal);
        stopped.add(new LogEntry.Stopped());
        Replica restartedAfterStop = restarted(stopped);
        restartedAfterStop.receive(NOW, 0, a2);
        assertTrue(multicastOf(restartedAfterStop.ready(), Prepare.class) >= 0, "a cleanly stopped replica votes at once");

        // The control: the same journal without the reservation, and the replica prepares b2 after having prepared a2.
        Replica unreserved = restarted(journal.stream().filter(e -> !(e instanceof LogEntry.VotesReserved)).toList());
        unreserved.receive(NOW, 0, b2);
        assertTrue(multicastOf(unreserved.ready(), Prepare.class) >= 0, "without the reservation it would prepare a second batch at 2");
    }

    /**
     * The primary's PRE-PREPARE, its vote, leaves under the same kind of reservation, before its pre-prepared
     * record is durable. A crash that loses the record loses the memory of what it proposed at that number:
     * restarted in the same view, it proposes nothing more there (a new batch at the lost number would be the
     * equivocation of a correct replica); the backups' timers take the group to the next view. The controls: the
     * same journal without the reservation proposes a second batch at the lost number, and after a graceful stop
     * the primary proposes at once.
     */
    @Test
    void aPrePrepareThatLeftBeforeItsRecordWasDurableIsNeverContradictedAfterACrash() {
        Replica before = new Replica(0, CFG);
        before.journaled(true);
        before.start(NOW);
        List<ReplicaAction> all = new ArrayList<>(before.ready());
        before.receive(NOW, 4, new Request(4, 1, false, 0, "x".getBytes(), new byte[0]));
        List<ReplicaAction> out = before.ready();
        all.addAll(out);
        firstVoteOfTheView(out, PrePrepare.class);
        // The next proposal is covered: no second reservation.
        before.receive(NOW, 5, new Request(5, 1, false, 0, "y".getBytes(), new byte[0]));
        out = before.ready();
        all.addAll(out);
        assertEquals(-1, persistOf(out, LogEntry.VotesReserved.class), out.toString());
        int prePrepare = multicastOf(out, PrePrepare.class);
        assertTrue(prePrepare >= 0 && ReplicaAction.waitsOnlyForGates(out.get(prePrepare)), out.toString());
        PrePrepare sent = (PrePrepare) ((Action.Multicast) out.get(prePrepare)).message();
        assertEquals(2, sent.seq());

        // A crash before the fsync that would have covered that pre-prepared record: the journal lost it, the PRE-PREPARE left.
        List<LogEntry> journal = journal(all);
        assertEquals(new LogEntry.PrePrepared(sent), journal.remove(journal.size() - 1));
        Request other = new Request(6, 1, false, 0, "z".getBytes(), new byte[0]);
        Replica after = restartedAs(0, journal);
        after.receive(NOW, 6, other);
        assertEquals(-1, multicastOf(after.ready(), PrePrepare.class), "no proposal in the view whose proposals it may have forgotten");
        assertEquals(1, after.proposalsWithheld());

        // After a graceful stop nothing is forgotten: it proposes.
        List<LogEntry> stopped = new ArrayList<>(journal);
        stopped.add(new LogEntry.Stopped());
        Replica restartedAfterStop = restartedAs(0, stopped);
        restartedAfterStop.receive(NOW, 6, other);
        assertTrue(multicastOf(restartedAfterStop.ready(), PrePrepare.class) >= 0, "a cleanly stopped primary proposes at once");

        // The control: without the reservation it proposes another batch at number 2, where its lost PRE-PREPARE went.
        Replica unreserved = restartedAs(0, journal.stream().filter(e -> !(e instanceof LogEntry.VotesReserved)).toList());
        unreserved.receive(NOW, 6, other);
        List<ReplicaAction> equivocation = unreserved.ready();
        int i = multicastOf(equivocation, PrePrepare.class);
        assertTrue(i >= 0, "without the reservation it would propose again: " + equivocation);
        PrePrepare second = (PrePrepare) ((Action.Multicast) equivocation.get(i)).message();
        assertTrue(second.seq() == sent.seq() && !second.digest().equals(sent.digest()), second + " against " + sent);
    }

    @Test
    void theJournalsImageKeepsTheReservationOfTheCurrentView() {
        Replica backup = new Replica(1, CFG);
        backup.journaled(true);
        backup.start(NOW);
        backup.receive(NOW, 0, pp(1, "a"));
        backup.ready();
        assertTrue(backup.logImage().contains(new LogEntry.VotesReserved(0, CFG.logSize())), backup.logImage().toString());
    }

    @Test
    void aCommittedBatchRunsAgainAfterARestartWithoutAnyoneElse() {
        PrePrepare a = pp(1, "a");
        Replica before = new Replica(1, CFG);
        before.journaled(true);
        before.start(NOW);
        before.receive(NOW, 0, a);
        before.receive(NOW, 2, new Prepare(0, 1, a.digest(), 2));
        before.receive(NOW, 3, new Prepare(0, 1, a.digest(), 3));
        before.receive(NOW, 2, new Commit(0, 1, a.digest(), 2));
        before.receive(NOW, 3, new Commit(0, 1, a.digest(), 3));
        List<LogEntry> journal = journal(before.ready());
        assertTrue(journal.stream().anyMatch(e -> e instanceof LogEntry.Committed), journal.toString());

        Replica after = new Replica(1, CFG);
        after.journaled(true);
        for (LogEntry e : journal) after.replay(NOW, e);
        assertEquals(journal.size(), after.replayed(NOW));
        after.start(NOW);
        List<ReplicaAction> out = after.ready();
        assertTrue(out.stream().anyMatch(x -> x instanceof ReplicaAction.Execute e && e.seq() == 1 && e.requests().equals(a.batch())), out.toString());
        assertTrue(out.stream().noneMatch(x -> x instanceof ReplicaAction.Persist), "replay writes nothing again: " + out);
    }

    /**
     * The whole group loses power after a view change, and one replica loses its disk too: the others
     * restart from their journals in view 1, and the one with nothing must still install view 1. To
     * check the NEW-VIEW it needs the VIEW-CHANGEs it names, its own lost one among them: the new
     * primary forwards them and f backups vouch for them — which they can only do if their journals
     * kept them ({@link LogEntry.ViewChangeNamed}). Sim seed 283 f=1 (power-loss, restart) found it:
     * replica 2 waited outside the group's view for good. The control replays the same journals
     * without those entries: replica 2 stays out.
     */
    @Test
    void aReplicaThatLostItsDiskInstallsTheGroupsViewAfterTheWholeGroupLostPower() {
        assertTrue(afterPowerLossAndOneLostDisk(true), "replica 2 installed view 1");
        assertTrue(!afterPowerLossAndOneLostDisk(false), "control: without the named VIEW-CHANGEs in the journals, replica 2 stays out of view 1");
    }

    private static boolean afterPowerLossAndOneLostDisk(boolean keepNamedViewChanges) {
        ScriptedGroup g = ScriptedGroup.journaled(1);
        g.settle(2);
        // A request the primary of view 0 never orders (its messages are lost): the backups leave view 0.
        int client = g.n;
        g.multicast(client, ScriptedGroup.write(client, 1, "a"));
        g.deliver(ScriptedGroup.from(client));
        g.drop(ScriptedGroup.from(0));
        g.timeOutTogether(1, 2, 3);
        g.settle(2);
        for (int i = 0; i < g.n; i++) {
            assertEquals(1, g.replicas[i].view(), "replica " + i);
            assertTrue(g.replicas[i].viewActive(), "replica " + i + " installed view 1");
        }
        List<List<LogEntry>> journals = new ArrayList<>();
        for (int i = 0; i < g.n; i++)
            journals.add(g.journals.get(i).stream().filter(e -> keepNamedViewChanges || !(e instanceof LogEntry.ViewChangeNamed)).toList());
        assertTrue(journals.get(1).stream().anyMatch(e -> e instanceof LogEntry.NewViewInstalled), "the new primary journaled its NEW-VIEW");
        g.inFlight.clear();                       // power loss: nothing in flight survives
        for (int i : new int[] {0, 1, 3}) g.restart(i, journals.get(i));
        g.restart(2, List.of());                  // replica 2's disk is gone
        g.settle(20);
        for (int i : new int[] {0, 1, 3}) assertTrue(g.replicas[i].view() == 1 && g.replicas[i].viewActive(), "replica " + i + " back in view 1");
        return g.replicas[2].view() == 1 && g.replicas[2].viewActive();
    }

    private static Replica restarted(List<LogEntry> journal) {
        return restartedAs(1, journal);
    }

    private static Replica restartedAs(int id, List<LogEntry> journal) {
        Replica r = new Replica(id, CFG);
        r.journaled(true);
        for (LogEntry e : journal) r.replay(NOW, e);
        r.replayed(NOW);
        r.start(NOW);
        r.ready();
        return r;
    }
}
