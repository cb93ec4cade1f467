package io.bulwark.bft.core;

import static io.bulwark.bft.core.ScriptedGroup.from;
import static io.bulwark.bft.core.ScriptedGroup.to;
import static io.bulwark.bft.core.ScriptedGroup.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.NewView;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.msg.Status;
import io.bulwark.bft.msg.ViewChange;
import io.bulwark.bft.msg.ViewChangeAck;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 18: a null request that committed in one view must keep its sequence number in the next
 * (section 4.5, Figure 3: only rule B frees a number). The schedule, over the real cores, with the
 * primary of view 0 (replica 0) and f-1 more replicas faulty:
 * <ol>
 * <li>View 0: the faulty primary pre-prepares R at seq 2 to replicas 1..f+1 only; only their
 *     PREPAREs (and the other faulty replicas') reach replica 1, so R is prepared at replica 1 alone.
 * <li>View 0 → 1: the correct replicas time out; primary 1 selects [null (rule B), R (rule A)].
 * <li>View 1: the null at seq 1 prepares everywhere; its COMMITs reach replica 3 only, which
 *     executes it. All traffic for seq 2 is delayed.
 * <li>View 1 → 2 without replica 1 (its messages delayed), with an empty VIEW-CHANGE from faulty 0:
 *     seq 1's null satisfies A1 and A2, seq 2 rule B.
 * <li>View 2: whatever primary 2 proposes, replica 3 must not execute something else at seq 1.
 * </ol>
 * Before the fix, the null was cut off as an "implied trailing null", primary 2 put R at seq 1 and
 * replicas 2 and 3 executed different requests there.
 */
class NullRequestAcrossViewChangesTest {

    @ParameterizedTest(name = "f = {0}")
    @ValueSource(ints = {1, 2})
    void aCommittedNullRequestKeepsItsSequenceNumberAcrossTheNextViewChange(int f) {
        int n = 3 * f + 1;
        int[] faulty = new int[f];
        faulty[0] = 0;
        for (int k = 1; k < f; k++) faulty[k] = n - k;   // f = 2: {0, 6}
        ScriptedGroup g = new ScriptedGroup(f, faulty);
        List<Integer> correct = new ArrayList<>();
        for (int i = 0; i < n; i++) if (g.correct(i)) correct.add(i);
        int client = n;
        int executor = 3;                       // the one replica that executes the null at seq 1
        Predicate<ScriptedGroup.Envelope> noStatus = type(Status.class).negate();
        Predicate<ScriptedGroup.Envelope> viewChangeTraffic =
                type(ViewChange.class).or(type(ViewChangeAck.class)).or(type(NewView.class));

        // The client sends R to every replica; the backups hold it and run their timers.
        Request r = ScriptedGroup.write(client, 1, "R");
        g.multicast(client, r);
        g.deliver(from(client));

        // 1. The faulty primary of view 0 pre-prepares R at seq 2 to replicas 1..f+1.
        byte[] nonDet = NonDet.encodeTime(g.now);
        PrePrepare pp = new PrePrepare(0, 2, MessageCodec.batchDigest(List.of(r), nonDet), nonDet, List.of(r));
        for (int i = 1; i <= f + 1; i++) g.send(0, i, pp);
        g.deliver(type(PrePrepare.class));
        for (int k = 1; k < f; k++) g.send(faulty[k], 1, new Prepare(0, 2, pp.digest(), faulty[k]));
        g.deliver(type(Prepare.class).and(to(1)).and(from(1).negate()));
        g.drop(e -> true);
        assertTrue(g.inFlight.isEmpty());

        // 2. View 0 -> 1 among the correct replicas: primary 1 selects [null, R].
        g.timeOutTogether(correct.stream().mapToInt(Integer::intValue).toArray());
        g.deliver(viewChangeTraffic);
        for (int i : correct) assertEquals(1, g.replicas[i].view());
        for (int i : correct) assertTrue(g.replicas[i].viewActive(), "replica " + i + " installed view 1");

        // 3. The null at seq 1 prepares at every correct replica; its COMMITs reach only the executor.
        Predicate<ScriptedGroup.Envelope> seq1Prepare = e -> e.message() instanceof Prepare p && p.seq() == 1;
        g.deliver(seq1Prepare);
        Predicate<ScriptedGroup.Envelope> seq1Commit = e -> e.message() instanceof Commit c && c.seq() == 1;
        g.deliver(seq1Commit.and(to(executor)));
        g.drop(e -> true);
        assertEquals(List.of(), g.executed.get(executor).get(1L), "the executor ran the null request at seq 1");
        for (int i : correct) if (i != executor) assertNull(g.executed.get(i).get(1L));

        // 4. View 1 -> 2 without replica 1; faulty 0 sends an empty VIEW-CHANGE. The faulty replicas
        // suspect view 1 too: with the 2f correct ones, 2f+1 suspicions (issue 15 item 3).
        for (int x : faulty) g.multicast(x, new io.bulwark.bft.msg.Suspect(1, x));
        g.timeOutTogether(correct.stream().mapToInt(Integer::intValue).filter(i -> i != 1).toArray());
        g.multicast(0, new ViewChange(2, 0, 0, List.of(new ViewChange.CheckpointRef(0, Replica.GENESIS)), List.of(), List.of()));
        // The faulty replicas vouch (VIEW-CHANGE-ACK) for the correct replicas' view-changes, so that
        // primary 2 can admit them without replica 1's acks.
        for (ScriptedGroup.Envelope e : List.copyOf(g.inFlight)) {
            if (e.to() == 2 && e.message() instanceof ViewChange vc && vc.view() == 2 && vc.replica() == e.from())
                for (int x : faulty) g.send(x, 2, new ViewChangeAck(2, x, vc.replica(), MessageCodec.viewChangeDigest(vc)));
        }
        g.deliver(viewChangeTraffic.and(to(1).negate()).and(from(1).negate()));
        for (int i : correct) if (i != 1) {
            assertEquals(2, g.replicas[i].view());
            assertTrue(g.replicas[i].viewActive(), "replica " + i + " installed view 2");
        }

        // 5. View 2 runs among the correct replicas but 1, the faulty ones preparing and committing
        // whatever primary 2 proposes.
        Predicate<ScriptedGroup.Envelope> notReplica1 = to(1).negate().and(from(1).negate()).and(noStatus);
        java.util.Set<Long> followed = new java.util.HashSet<>();
        for (int round = 0; round < 8; round++) {
            for (ScriptedGroup.Envelope e : List.copyOf(g.inFlight)) {
                long seq;
                io.bulwark.bft.crypto.Digest d;
                if (e.from() == 2 && e.message() instanceof PrePrepare p && p.view() == 2) { seq = p.seq(); d = p.digest(); }
                else if (e.message() instanceof Prepare p && p.view() == 2) { seq = p.seq(); d = p.digest(); }   // a slot of the NEW-VIEW
                else continue;
                if (!followed.add(seq)) continue;
                for (int x : faulty) {
                    g.multicast(x, new Prepare(2, seq, d, x));
                    g.multicast(x, new Commit(2, seq, d, x));
                }
            }
            g.deliver(notReplica1);
        }
        assertNull(g.divergence(), "correct replicas executed different requests at one sequence number");
        long at2 = seqOf(g, 2, client);
        assertTrue(at2 > 1, "R is executed by the new primary after the null at seq 1, was at " + at2);
        assertEquals(at2, seqOf(g, executor, client), "the executor runs R where the primary does");
        assertEquals("R", g.register(2));
        assertEquals("R", g.register(executor));

        // Healed: replica 1 catches up (STATUS retransmission) without any difference either.
        g.drop(type(Status.class));
        for (int round = 0; round < 6; round++) {
            for (int i : correct) g.fire(i, TimerKind.STATUS);
            g.deliver(e -> true);
        }
        assertNull(g.divergence());
        for (int i : correct) assertEquals(at2, seqOf(g, i, client), "replica " + i + " executed R at seq " + at2);
    }

    /** The sequence number at which replica {@code i} executed the client's request, or -1. */
    private static long seqOf(ScriptedGroup g, int i, int client) {
        for (var e : g.executed.get(i).entrySet()) if (e.getValue().contains(client + ":1")) return e.getKey();
        return -1;
    }
}
