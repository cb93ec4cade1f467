package io.bulwark.bft.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.crypto.Digests;
import io.bulwark.bft.msg.Checkpoint;
import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.msg.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Single-replica tests of the core: what it accepts, what it ignores and counts, what it emits. */
class ReplicaTest {
    private static final ProtocolConfig CFG = ProtocolConfig.defaults(1).withCheckpointInterval(4, 8);
    private static final long NOW = 1_000_000;

    private static Request req(int client, long ts, String op) {
        return new Request(client, ts, false, 0, op.getBytes(), new byte[0]);
    }

    private static PrePrepare pp(long view, long seq, long time, Request... batch) {
        byte[] nonDet = NonDet.encodeTime(time);
        List<Request> b = List.of(batch);
        return new PrePrepare(view, seq, MessageCodec.batchDigest(b, nonDet), nonDet, b);
    }

    @Test
    void backupAcceptsPrePrepareFromPrimaryAndMulticastsPrepare() {
        Replica r = new Replica(1, CFG);
        PrePrepare p = pp(0, 1, NOW, req(4, 1, "a"));
        r.receive(NOW, 0, p);
        List<Action> out = r.ready();
        assertEquals(1, out.size());
        Action.Multicast m = (Action.Multicast) out.get(0);
        assertEquals(new Prepare(0, 1, p.digest(), 1), m.message());
    }

    @Test
    void ignoresAndCountsBadPrePrepares() {
        Replica r = new Replica(1, CFG);
        r.receive(NOW, 2, pp(0, 1, NOW, req(4, 1, "a")));          // not from the primary
        r.receive(NOW, 0, pp(1, 1, NOW, req(4, 1, "a")));          // wrong view
        r.receive(NOW, 0, pp(0, 9, NOW, req(4, 1, "a")));          // beyond H = h + L = 8
        r.receive(NOW, 0, pp(0, 0, NOW, req(4, 1, "a")));          // at or below h
        r.receive(NOW, 0, pp(0, 1, NOW + 60_000, req(4, 1, "a"))); // clock far ahead
        PrePrepare good = pp(0, 2, NOW, req(4, 1, "a"));
        r.receive(NOW, 0, new PrePrepare(0, 2, Digest.ZERO, good.nonDet(), good.batch()));  // digest mismatch
        // Nothing but a STATUS (the negative acknowledgement for traffic beyond H, section 4.6.1).
        assertTrue(r.ready().stream().allMatch(a -> a instanceof Action.Multicast m && m.message() instanceof io.bulwark.bft.msg.Status),
                "nothing is sent for rejected pre-prepares");
        Counters c = r.counters();
        assertEquals(1, c.ignored(Ignored.NOT_FROM_PRIMARY));
        assertEquals(1, c.ignored(Ignored.WRONG_VIEW));
        assertEquals(2, c.ignored(Ignored.OUTSIDE_WATER_MARKS));
        assertEquals(1, c.ignored(Ignored.CLOCK_SKEW));
        assertEquals(1, c.ignored(Ignored.BAD_BATCH_DIGEST));
    }

    @Test
    void conflictingPrePrepareForSameSequenceNumberIsIgnored() {
        Replica r = new Replica(1, CFG);
        r.receive(NOW, 0, pp(0, 1, NOW, req(4, 1, "a")));
        r.ready();
        r.receive(NOW, 0, pp(0, 1, NOW, req(4, 1, "b")));
        assertTrue(r.ready().isEmpty());
        assertEquals(1, r.counters().ignored(Ignored.CONFLICTING_PRE_PREPARE));
    }

    @Test
    void preparesCommitsAndExecutesInOrderWithCheckpoint() {
        Replica r = new Replica(1, CFG);
        for (long seq = 1; seq <= 4; seq++) {
            PrePrepare p = pp(0, seq, NOW, req(4, seq, "op" + seq));
            r.receive(NOW, 0, p);
            r.receive(NOW, 2, new Prepare(0, seq, p.digest(), 2));
            r.receive(NOW, 0, new Commit(0, seq, p.digest(), 0));
            r.receive(NOW, 2, new Commit(0, seq, p.digest(), 2));
            List<Action> out = r.ready();
            Action.Execute e = (Action.Execute) out.stream().filter(a -> a instanceof Action.Execute).findFirst().orElseThrow();
            assertEquals(seq, e.seq());
            assertEquals(seq == 4, e.checkpoint());
            r.executed(NOW, seq, List.of(("r" + seq).getBytes()));
            List<Action> after = r.ready();
            assertTrue(after.stream().anyMatch(a -> a instanceof Action.Send s && s.to() == 4), "reply sent to the client");
        }
        assertEquals(4, r.lastExecuted());
        Digest d = r.checkpointDigest(4);
        assertNotNull(d, "checkpoint 4 taken from the state tree");
        assertEquals(0, r.lowWaterMark());
        r.receive(NOW, 0, new Checkpoint(4, d, 0));
        r.receive(NOW, 2, new Checkpoint(4, d, 2));
        assertEquals(4, r.lowWaterMark(), "2f+1 matching checkpoints make it stable");
    }

    @Test
    void checkpointWithDivergentDigestIsNotStableAndIsCounted() {
        Replica r = new Replica(1, CFG);
        for (long seq = 1; seq <= 4; seq++) {
            PrePrepare p = pp(0, seq, NOW, req(4, seq, "op"));
            r.receive(NOW, 0, p);
            r.receive(NOW, 2, new Prepare(0, seq, p.digest(), 2));
            r.receive(NOW, 0, new Commit(0, seq, p.digest(), 0));
            r.receive(NOW, 2, new Commit(0, seq, p.digest(), 2));
            r.ready();
            r.executed(NOW, seq, List.of(new byte[0]));
        }
        Digest others = Digests.of(new byte[] {2});
        r.receive(NOW, 0, new Checkpoint(4, others, 0));
        r.receive(NOW, 2, new Checkpoint(4, others, 2));
        r.receive(NOW, 3, new Checkpoint(4, others, 3));
        assertEquals(0, r.lowWaterMark());
        assertTrue(r.counters().ignored(Ignored.CHECKPOINT_MISMATCH) > 0);
    }

    @Test
    void duplicateRequestInTwoBatchesExecutesOnce() {
        Replica r = new Replica(1, CFG);
        Request a = req(4, 7, "put");
        for (long seq = 1; seq <= 2; seq++) {
            PrePrepare p = pp(0, seq, NOW, a);
            r.receive(NOW, 0, p);
            r.receive(NOW, 2, new Prepare(0, seq, p.digest(), 2));
            r.receive(NOW, 0, new Commit(0, seq, p.digest(), 0));
            r.receive(NOW, 2, new Commit(0, seq, p.digest(), 2));
            Action.Execute e = (Action.Execute) r.ready().stream().filter(x -> x instanceof Action.Execute).findFirst().orElseThrow();
            assertEquals(seq == 1 ? 1 : 0, e.requests().size(), "exactly once per client timestamp");
            r.executed(NOW, seq, e.requests().isEmpty() ? List.of() : List.of(new byte[] {1}));
            r.ready();
        }
    }

    @Test
    void retransmittedExecutedRequestGetsCachedReplyAndOlderOnesAreIgnored() {
        Replica primary = new Replica(0, CFG);
        primary.receive(NOW, 4, req(4, 5, "x"));
        PrePrepare p = (PrePrepare) ((Action.Multicast) primary.ready().get(0)).message();
        primary.receive(NOW, 1, new Prepare(0, 1, p.digest(), 1));
        primary.receive(NOW, 2, new Prepare(0, 1, p.digest(), 2));
        primary.receive(NOW, 1, new Commit(0, 1, p.digest(), 1));
        primary.receive(NOW, 2, new Commit(0, 1, p.digest(), 2));
        primary.ready();
        primary.executed(NOW, 1, List.of("result".getBytes()));
        primary.ready();
        primary.receive(NOW, 4, req(4, 5, "x"));
        Action.Send s = (Action.Send) primary.ready().get(0);
        assertArrayEquals("result".getBytes(), ((io.bulwark.bft.msg.Reply) s.message()).result());
        primary.receive(NOW, 4, req(4, 4, "older"));
        assertTrue(primary.ready().isEmpty());
        assertEquals(1, primary.counters().ignored(Ignored.OLD_REQUEST));
    }

    @Test
    void primaryBatchesRequestsThatArriveWhileThePipelineIsFull() {
        ProtocolConfig one = new ProtocolConfig(1, 4, 8, 10, 1 << 20, 1, 100, 500, 1000, 5000, 1024, 1024, ProtocolConfig.PAGE_SIZE);
        Replica primary = new Replica(0, one);
        primary.receive(NOW, 4, req(4, 1, "a"));
        assertEquals(1, primary.ready().size(), "first request goes out at once");
        primary.receive(NOW, 5, req(5, 1, "b"));
        primary.receive(NOW, 6, req(6, 1, "c"));
        assertTrue(primary.ready().isEmpty(), "pipeline of 1 is full: requests wait");
        PrePrepare first = pp(0, 1, NOW, req(4, 1, "a"));
        primary.receive(NOW, 1, new Prepare(0, 1, first.digest(), 1));
        primary.receive(NOW, 2, new Prepare(0, 1, first.digest(), 2));
        primary.receive(NOW, 1, new Commit(0, 1, first.digest(), 1));
        primary.receive(NOW, 2, new Commit(0, 1, first.digest(), 2));
        primary.ready();
        primary.executed(NOW, 1, List.of(new byte[0]));
        PrePrepare second = (PrePrepare) primary.ready().stream().filter(a -> a instanceof Action.Multicast m && m.message() instanceof PrePrepare)
                .map(a -> ((Action.Multicast) a).message()).findFirst().orElseThrow();
        assertEquals(2, second.batch().size(), "the waiting requests form one batch");
    }

    @Test
    void hostileStatusNeverThrows() {
        Replica r = new Replica(0, CFG);
        long[] none = new long[0];
        long[] edge = {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE - 1, Long.MAX_VALUE};
        for (long a : edge) for (long b : edge) {
            r.receive(NOW, 1, new Status(0, 1, true, a, b, 0L, none, none));
            r.receive(NOW, 1, new Status(0, 1, true, a, b, -1L, new long[] {-1, -1, -1, -1, -1}, new long[] {-1}));
        }
        r.ready();
    }

    @Test
    void messagesClaimingAnotherSenderAreIgnored() {
        Replica r = new Replica(1, CFG);
        r.receive(NOW, 2, new Prepare(0, 1, Digest.ZERO, 3));
        r.receive(NOW, 2, new Commit(0, 1, Digest.ZERO, 1));
        r.receive(NOW, 9, new Checkpoint(4, Digest.ZERO, 9));
        assertEquals(3, r.counters().ignored(Ignored.NOT_A_REPLICA));
    }

    @Test
    void aBackupSuspectsAPrimaryThatDoesNotOrderARequestWithinTheOrderingDeadline() {
        Replica r = new Replica(1, CFG);
        r.start(NOW);
        r.ready();
        r.receive(NOW, 4, req(4, 1, "a"));
        Action.SetTimer t = r.ready().stream().filter(a -> a instanceof Action.SetTimer s && s.kind() == TimerKind.ORDERING)
                .map(a -> (Action.SetTimer) a).findFirst().orElseThrow();
        assertEquals(NOW + CFG.viewChangeTimeoutMs() / 4, t.deadline(), "a quarter of the view-change timeout");
        r.timeout(t.deadline(), TimerKind.ORDERING);
        List<Action> out = r.ready();
        assertTrue(out.stream().anyMatch(a -> a instanceof Action.Multicast m && m.message() instanceof io.bulwark.bft.msg.ViewChange vc
                && vc.view() == 1 && vc.replica() == 1), "VIEW-CHANGE for view 1: " + out);
        assertEquals(1, r.view());
        assertTrue(!r.viewActive());
    }

    @Test
    void aPrePrepareInTimeKeepsThePrimary() {
        Replica r = new Replica(1, CFG);
        r.start(NOW);
        Request a = req(4, 1, "a");
        r.receive(NOW, 4, a);
        r.receive(NOW + 10, 0, pp(0, 1, NOW, a));
        r.ready();
        r.timeout(NOW + CFG.viewChangeTimeoutMs() / 4, TimerKind.ORDERING);
        assertTrue(r.ready().stream().noneMatch(x -> x instanceof Action.Multicast m && m.message() instanceof io.bulwark.bft.msg.ViewChange));
        assertEquals(0, r.view());
    }
}
