package io.bulwark.bft.core;

import static io.bulwark.bft.core.ScriptedGroup.all;
import static io.bulwark.bft.core.ScriptedGroup.from;
import static io.bulwark.bft.core.ScriptedGroup.to;
import static io.bulwark.bft.core.ScriptedGroup.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.Reply;
import io.bulwark.bft.msg.Request;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Section 4.4 at the core: a recovering replica estimates H_M, sends its recovery request, which the
 * group orders and executes like any request — the others refresh their keys — computes the recovery
 * point H = max(H_M, H_R) from 2f+1 replies, and is recovered once the checkpoint at H is stable.
 * Replays and requests too soon after the last one are refused by every replica alike.
 */
class RecoveryTest {
    private static final int CLIENT = 4;
    private static final int RECOVERING = 3;

    private static void write(ScriptedGroup g, long ts) {
        g.multicast(CLIENT, ScriptedGroup.write(CLIENT, ts, "v" + ts));
        g.deliver(all());
    }

    private static boolean noticed(List<Notice> l, Class<? extends Notice> c) { return l.stream().anyMatch(c::isInstance); }

    @Test
    void aRecoveringReplicaIsOrderedRefreshesTheOthersKeysAndRecoversAtTheRecoveryPoint() {
        ScriptedGroup g = new ScriptedGroup(1);
        for (long ts = 1; ts <= 3; ts++) write(g, ts);
        Replica r = g.replicas[RECOVERING];
        r.recover(g.now, 42, 7);
        g.collect(RECOVERING);
        assertTrue(r.recovering());
        g.deliver(all());

        // The request was ordered at n_R = 4 (after the three writes) and executed everywhere, by the core.
        for (int i = 0; i < g.n; i++) assertEquals(List.of(), g.executed.get(i).get(4L), "the service never sees a recovery request");
        for (int i = 0; i < g.n; i++) {
            if (i == RECOVERING) assertEquals(List.of(), g.keysRefreshedFor.get(i));
            else assertEquals(List.of(RECOVERING), g.keysRefreshedFor.get(i), "replica " + i + " refreshes the keys the recovering one may have leaked");
        }
        // H_M = c_M + L = 0 + 16; H_R = floor(4 / 8) * 8 + 16 = 16: H = 16.
        assertEquals(16, r.recoveryTarget());
        assertTrue(r.recovering(), "not recovered before checkpoint 16 is stable");
        long[] phases = r.recoveryPhases();
        assertTrue(phases[1] != Long.MIN_VALUE && phases[2] != Long.MIN_VALUE && phases[3] == Long.MIN_VALUE);

        for (long ts = 4; r.stableSeq() < 16; ts++) write(g, ts);
        assertFalse(r.recovering(), "checkpoint 16 stable: recovered");
        assertTrue(noticed(r.drainNotices(), Notice.RecoveryCompleted.class));
        for (int i = 0; i < RECOVERING; i++)
            assertTrue(noticed(g.replicas[i].drainNotices(), Notice.PeerRecovered.class), "replica " + i + " sees the recovery complete");
        assertNull(g.divergence());
    }

    @Test
    void aReplayedOrTooEarlyRecoveryRequestIsRefusedByEveryReplica() {
        ScriptedGroup g = new ScriptedGroup(1);
        write(g, 1);
        Replica r = g.replicas[RECOVERING];
        r.recover(g.now, 1, 7);
        g.collect(RECOVERING);
        g.deliver(all());
        assertEquals(16, r.recoveryTarget());
        Request first = new Request(RECOVERING, 7, false, Request.ALL_REPLY, new RecoveryOp(16).encode(), new byte[0]);

        // The same request again (a replay by whoever recorded it): executed at most once, nobody refreshes again.
        g.multicast(RECOVERING, first);
        g.deliver(all());
        for (int i = 0; i < RECOVERING; i++) assertEquals(List.of(RECOVERING), g.keysRefreshedFor.get(i));

        // A new one (counter 8) at the same agreed time: less than the spacing after the last one, refused everywhere.
        r.recover(g.now, 2, 8);
        g.collect(RECOVERING);
        g.deliver(all());
        for (int i = 0; i < RECOVERING; i++) assertEquals(List.of(RECOVERING), g.keysRefreshedFor.get(i), "too soon: no refresh");
        assertEquals(1, r.recoveryCounts()[2], "the recovering replica learns it was refused");

        // A counter that went back (keys reinstalled): no request the group would take for a replay; estimation only.
        r.recover(g.now, 3, 7);
        g.collect(RECOVERING);
        assertTrue(noticed(r.drainNotices(), Notice.RecoveryWithoutRequest.class));
        g.deliver(all());
        for (int i = 0; i < RECOVERING; i++) assertEquals(List.of(RECOVERING), g.keysRefreshedFor.get(i));
        assertNull(g.divergence());
    }

    @Test
    void aReplicaRequestThatIsNotARecoveryIsIgnoredAndOnlyRepliesForOurRequestCount() {
        ScriptedGroup g = new ScriptedGroup(1);
        Request bogus = new Request(RECOVERING, 1, false, Request.ALL_REPLY, "wx".getBytes(), new byte[0]);
        g.send(RECOVERING, 0, bogus);
        g.deliver(all());
        assertTrue(g.inFlight(type(PrePrepare.class)).isEmpty());
        assertEquals(1, g.replicas[0].counters().ignored(Ignored.NOT_A_RECOVERY_REQUEST));
        assertTrue(g.executed.get(0).isEmpty());

        // A reply naming another client, and one for a request we never sent, change nothing.
        Replica r = g.replicas[RECOVERING];
        r.receive(g.now, 0, new Reply(0, 9, 2, 0, false, false, new byte[17]));
        r.receive(g.now, 0, new Reply(0, 9, RECOVERING, 0, false, false, new byte[17]));
        assertEquals(1, r.counters().ignored(Ignored.BAD_RECOVERY_REPLY), "another client's reply");
        assertEquals(1, r.counters().ignored(Ignored.STALE_REPLY), "no recovery request outstanding");
        assertEquals(-1, r.recoveryTarget());
        g.deliver(from(RECOVERING).or(to(RECOVERING)));
    }
}
