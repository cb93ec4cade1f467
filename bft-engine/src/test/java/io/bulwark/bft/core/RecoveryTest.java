package io.bulwark.bft.core;

import static io.bulwark.bft.core.ScriptedGroup.all;
import static io.bulwark.bft.core.ScriptedGroup.from;
import static io.bulwark.bft.core.ScriptedGroup.to;
import static io.bulwark.bft.core.ScriptedGroup.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.crypto.CoProcessor;
import io.bulwark.bft.crypto.InMemoryCoProcessor;
import io.bulwark.bft.crypto.Signatures;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.Reply;
import io.bulwark.bft.msg.Request;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Section 4.4 at the core: a recovering replica estimates H_M, sends its recovery request, which the
 * group orders and executes like any request — the others refresh their keys — computes the recovery
 * point H = max(H_M, H_R) from 2f+1 replies, and is recovered once the checkpoint at H is stable.
 * Replays and requests too soon after the last one are refused by every replica alike. The request
 * counts only with the recovering replica's co-processor signature: the script delivers every message
 * as authenticated, which is what a holder of the replica's old MAC keys gets from the frame layer.
 */
class RecoveryTest {
    private static final int CLIENT = 4;
    private static final int RECOVERING = 3;

    private static void write(ScriptedGroup g, long ts) {
        g.multicast(CLIENT, ScriptedGroup.write(CLIENT, ts, "v" + ts));
        g.deliver(all());
    }

    /** A recovery request of {@code replica} signed by the co-processor key {@code signingKey} (the real one or not). */
    static Request signedRecovery(int replica, long hm, long t, byte[] signingKey) {
        byte[] sig = Signatures.sign(signingKey, CoProcessor.signedBytes(RecoveryOp.signedPayload(replica, hm), t));
        return new Request(replica, t, false, Request.ALL_REPLY, new RecoveryOp(hm, sig).encode(), new byte[0]);
    }

    private static Request withTimestamp(Request q, long t) { return new Request(q.client(), t, q.readOnly(), q.replier(), q.operation(), q.auth()); }

    private static long ignored(ScriptedGroup g, int i, Ignored why) { return g.replicas[i].counters().ignored(why); }

    private static boolean noticed(List<Notice> l, Class<? extends Notice> c) { return l.stream().anyMatch(c::isInstance); }

    @Test
    void aRecoveringReplicaIsOrderedRefreshesTheOthersKeysAndRecoversAtTheRecoveryPoint() {
        ScriptedGroup g = new ScriptedGroup(1);
        for (long ts = 1; ts <= 3; ts++) write(g, ts);
        Replica r = g.replicas[RECOVERING];
        r.recover(g.now, 42);
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
        r.recover(g.now, 1);
        g.collect(RECOVERING);
        g.deliver(all());
        assertEquals(16, r.recoveryTarget());
        Request first = signedRecovery(RECOVERING, 16, 1, ScriptedGroup.coProcessorKey(RECOVERING));
        assertEquals(1, g.replicas[0].clients.get(RECOVERING).timestamp(), "the co-processor's first counter is the timestamp");

        // The same request again (a replay by whoever recorded it): executed at most once, nobody refreshes again.
        g.multicast(RECOVERING, first);
        g.deliver(all());
        for (int i = 0; i < RECOVERING; i++) assertEquals(List.of(RECOVERING), g.keysRefreshedFor.get(i));

        // A new one (counter 2) at the same agreed time: less than the spacing after the last one, refused everywhere.
        r.recover(g.now, 2);
        g.collect(RECOVERING);
        g.deliver(all());
        for (int i = 0; i < RECOVERING; i++) assertEquals(List.of(RECOVERING), g.keysRefreshedFor.get(i), "too soon: no refresh");
        assertEquals(1, r.recoveryCounts()[2], "the recovering replica learns it was refused");

        // A counter that went back (keys reinstalled): no request the group would take for a replay; estimation only.
        g.coProcessors[RECOVERING] = new InMemoryCoProcessor(ScriptedGroup.coProcessorKey(RECOVERING), 0);
        r.recover(g.now, 3);
        g.collect(RECOVERING);
        g.deliver(all());
        assertTrue(noticed(r.drainNotices(), Notice.RecoveryWithoutRequest.class));
        for (int i = 0; i < RECOVERING; i++) assertEquals(List.of(RECOVERING), g.keysRefreshedFor.get(i));
        assertNull(g.divergence());
    }

    /**
     * The attack of issue 12 item 4: whoever compromised replica 3 holds the MAC keys the others chose
     * for it before its reboot (they refresh only on executing its recovery request), so its forged
     * RECOVERY requests pass the frame layer. One with a higher timestamp than the co-processor's,
     * were it executed, would make the real request a replay (and start the refusal window): a denial
     * of service against recovery, with the attacker's H_M. Without the co-processor's signature
     * every replica refuses it before ordering, and the real request is then accepted.
     */
    @Test
    void aHolderOfTheOldMacKeysCannotPreEmptTheRealRecoveryRequest() {
        ScriptedGroup g = new ScriptedGroup(1);
        for (long ts = 1; ts <= 3; ts++) write(g, ts);
        byte[] garbage = new byte[Signatures.SIGNATURE_LENGTH];
        new SplittableRandom(12).nextBytes(garbage);
        Request forged = new Request(RECOVERING, 1_000, false, Request.ALL_REPLY, new RecoveryOp(0, garbage).encode(), new byte[0]);
        g.multicast(RECOVERING, forged);
        g.deliver(all());
        for (int i = 0; i < RECOVERING; i++) {
            assertNull(g.replicas[i].clients.get(RECOVERING), "replica " + i + ": the client table is untouched");
            assertEquals(List.of(), g.keysRefreshedFor.get(i), "replica " + i + ": no key refresh for a forged request");
            assertEquals(1, ignored(g, i, Ignored.FORGED_RECOVERY_REQUEST), "replica " + i + " refuses and counts it");
            assertNull(g.replicas[i].requests.pending(RECOVERING), "it holds no place the real request would need");
        }
        assertEquals(3, g.executed.get(0).size(), "nothing was ordered");

        // The genuine, signed request (counter 1, far below the forged 1000) is ordered and accepted.
        Replica r = g.replicas[RECOVERING];
        r.recover(g.now, 42);
        g.collect(RECOVERING);
        g.deliver(all());
        assertEquals(16, r.recoveryTarget());
        assertEquals(0, r.recoveryCounts()[2], "not refused");
        for (int i = 0; i < RECOVERING; i++) {
            assertEquals(List.of(RECOVERING), g.keysRefreshedFor.get(i), "replica " + i + " refreshes its keys: the attacker's are useless now");
            assertEquals(1, g.replicas[i].clients.get(RECOVERING).timestamp());
        }
        for (long ts = 4; r.stableSeq() < 16; ts++) write(g, ts);
        assertFalse(r.recovering(), "recovered");
        assertNull(g.divergence());
    }

    /** A forged signature, another replica's co-processor's, a replay of an older signed request, the old unsigned form: each refused, counted, and nothing changes. */
    @Test
    void forgedMisattributedReplayedAndUnsignedRecoveryRequestsAreRefusedAndCounted() {
        ScriptedGroup g = new ScriptedGroup(1);
        write(g, 1);
        Replica r = g.replicas[RECOVERING];
        r.recover(g.now, 1);
        g.collect(RECOVERING);
        // Estimation runs; the signed request the replica then multicasts is recorded (as an attacker would) before delivery.
        g.deliver(all().and(type(Request.class).negate()));
        Request genuine = (Request) g.inFlight(type(Request.class)).get(0).message();
        assertEquals(1, genuine.timestamp());
        g.deliver(all());
        // A second recovery, refused as too soon, moves the client table to timestamp 2.
        r.recover(g.now, 2);
        g.collect(RECOVERING);
        g.deliver(all());
        long[] forgedBefore = new long[RECOVERING], oldBefore = new long[RECOVERING], notRecoveryBefore = new long[RECOVERING];
        for (int i = 0; i < RECOVERING; i++) {
            assertEquals(2, g.replicas[i].clients.get(RECOVERING).timestamp());
            forgedBefore[i] = ignored(g, i, Ignored.FORGED_RECOVERY_REQUEST);
            oldBefore[i] = ignored(g, i, Ignored.OLD_REQUEST);
            notRecoveryBefore[i] = ignored(g, i, Ignored.NOT_A_RECOVERY_REQUEST);
        }
        int executedBefore = g.executed.get(0).size();

        // 1. The genuine request's signature with a newer timestamp (the counter is signed).
        g.multicast(RECOVERING, withTimestamp(genuine, 10));
        // 2. A flipped bit in the signature.
        byte[] op = genuine.operation().clone();
        op[op.length - 1] ^= 1;
        g.multicast(RECOVERING, new Request(RECOVERING, 11, false, Request.ALL_REPLY, op, new byte[0]));
        // 3. Signed by replica 2's co-processor (a faulty replica speaking for replica 3).
        g.multicast(RECOVERING, signedRecovery(RECOVERING, 0, 12, ScriptedGroup.coProcessorKey(2)));
        // 4. A well-signed request whose H_M was changed after signing.
        Request other = signedRecovery(RECOVERING, 0, 13, ScriptedGroup.coProcessorKey(RECOVERING));
        byte[] moved = other.operation().clone();
        ByteBuffer.wrap(moved).putLong(4, 64);
        g.multicast(RECOVERING, new Request(RECOVERING, 13, false, Request.ALL_REPLY, moved, new byte[0]));
        g.deliver(all());
        for (int i = 0; i < RECOVERING; i++)
            assertEquals(4, ignored(g, i, Ignored.FORGED_RECOVERY_REQUEST) - forgedBefore[i], "replica " + i + ": four forged requests");

        // 5. The older signed request replayed: authentic, but older than the table's (exactly once).
        g.multicast(RECOVERING, genuine);
        // 6. The old unsigned form (no signature at all).
        byte[] unsigned = ByteBuffer.allocate(12).putInt(0x52435652).putLong(0).array();
        g.multicast(RECOVERING, new Request(RECOVERING, 14, false, Request.ALL_REPLY, unsigned, new byte[0]));
        g.deliver(all());
        for (int i = 0; i < RECOVERING; i++) {
            assertEquals(1, ignored(g, i, Ignored.OLD_REQUEST) - oldBefore[i], "replica " + i + ": the replay");
            assertEquals(1, ignored(g, i, Ignored.NOT_A_RECOVERY_REQUEST) - notRecoveryBefore[i], "replica " + i + ": the unsigned one");
            assertEquals(2, g.replicas[i].clients.get(RECOVERING).timestamp(), "the client table is untouched");
            assertEquals(List.of(RECOVERING), g.keysRefreshedFor.get(i), "no key refresh");
        }
        assertEquals(executedBefore, g.executed.get(0).size(), "nothing was ordered");
        assertNull(g.divergence());
    }

    /**
     * A faulty primary orders a forged recovery request: no correct backup accepts the pre-prepare
     * (the check is part of what it requires of a batch), so it never prepares, and the refusal is
     * counted; the replicas' client tables are untouched.
     */
    @Test
    void aFaultyPrimaryCannotOrderAForgedRecoveryRequest() {
        ScriptedGroup g = new ScriptedGroup(1, 0);
        Request forged = signedRecovery(RECOVERING, 0, 1_000, ScriptedGroup.coProcessorKey(0));   // the primary's own key, not replica 3's
        List<Request> batch = List.of(forged);
        byte[] nonDet = NonDet.encodeTime(g.now);
        g.multicast(0, new PrePrepare(0, 1, MessageCodec.batchDigest(batch, nonDet), nonDet, batch));
        g.deliver(all());
        assertTrue(g.inFlight(type(Prepare.class)).isEmpty(), "no backup prepares it");
        for (int i = 1; i < g.n; i++) {
            assertEquals(1, ignored(g, i, Ignored.FORGED_RECOVERY_REQUEST), "replica " + i);
            assertNull(g.replicas[i].clients.get(RECOVERING));
            assertTrue(g.executed.get(i).isEmpty());
        }
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
