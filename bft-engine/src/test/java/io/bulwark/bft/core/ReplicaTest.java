package io.bulwark.bft.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.crypto.Digests;
import io.bulwark.bft.msg.AuthFailure;
import io.bulwark.bft.msg.Checkpoint;
import io.bulwark.bft.msg.Commit;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.PrePrepare;
import io.bulwark.bft.msg.Prepare;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.msg.Status;
import io.bulwark.bft.msg.Suspect;
import java.util.BitSet;
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
        List<ReplicaAction> out = r.ready();
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
            List<ReplicaAction> out = r.ready();
            ReplicaAction.Execute e = (ReplicaAction.Execute) out.stream().filter(a -> a instanceof ReplicaAction.Execute).findFirst().orElseThrow();
            assertEquals(seq, e.seq());
            assertEquals(seq == 4, e.checkpoint());
            r.executed(NOW, seq, List.of(("r" + seq).getBytes()));
            List<ReplicaAction> after = r.ready();
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
            ReplicaAction.Execute e = (ReplicaAction.Execute) r.ready().stream().filter(x -> x instanceof ReplicaAction.Execute).findFirst().orElseThrow();
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
        List<ReplicaAction> first0 = primary.ready();
        assertEquals(1, first0.stream().filter(a -> a instanceof Action.Multicast m && m.message() instanceof PrePrepare).count(),
                "first request goes out at once");
        assertTrue(first0.stream().anyMatch(a -> a instanceof Action.SetTimer t && t.kind() == TimerKind.VIEW_CHANGE),
                "the primary runs the view-change timer for the batch it assigned");
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
        // One faulty replica's STATUS, however absurd, neither throws nor moves anything: view, water
        // marks, execution, log, pending requests, transfer and corruption state all stay as they were.
        for (int self : new int[] {0, 2}) {   // the primary and a backup
            Replica r = new Replica(self, CFG);
            r.start(NOW);
            r.receive(NOW, 4, req(4, 1, "a"));
            r.ready();
            String before = snapshot(r);
            assertTrue(before.contains("log=1") || before.contains("pending=1"), "a request in progress: " + before);
            long[] none = new long[0];
            long[] edge = {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE - 1, Long.MAX_VALUE};
            for (long v : new long[] {0, 1, Long.MAX_VALUE})
                for (long a : edge) for (long b : edge) {
                    r.receive(NOW, 1, new Status(v, 1, true, a, b, 0L, none, none));
                    r.receive(NOW, 1, new Status(v, 1, false, a, b, -1L, new long[] {-1, -1, -1, -1, -1}, new long[] {-1}));
                    r.ready();
                }
            assertEquals(before, snapshot(r), "replica " + self + " after hostile STATUS messages");
        }
    }

    private static String snapshot(Replica r) {
        return "view=" + r.view() + " active=" + r.viewActive() + " h=" + r.lowWaterMark() + " stable=" + r.stableSeq()
                + " knownStable=" + r.knownStable() + " executed=" + r.lastExecuted() + " log=" + r.logSize()
                + " pending=" + r.pendingRequests() + " transferring=" + r.transferring() + " corrupt=" + r.corrupt()
                + " viewChanges=" + r.viewChangesStarted() + " timeout=" + r.viewChangeTimeoutMs();
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
        // Issue 15 item 3: it says so (SUSPECT) and stays; 2f+1 suspicions (f+1 correct) end the view.
        List<ReplicaAction> out = r.ready();
        assertTrue(suspected(out, 0, 1), "SUSPECT of view 0: " + out);
        assertFalse(leftTheView(out), "one suspicion alone does not leave the view: " + out);
        assertEquals(0, r.view());
        r.receive(t.deadline() + 1, 2, new Suspect(0, 2));
        assertFalse(leftTheView(r.ready()), "f+1 (a faulty replica's and ours) do not take us away alone");
        r.receive(t.deadline() + 1, 3, new Suspect(0, 3));
        out = r.ready();
        assertTrue(out.stream().anyMatch(a -> a instanceof Action.Multicast m && m.message() instanceof io.bulwark.bft.msg.ViewChange vc
                && vc.view() == 1 && vc.replica() == 1), "VIEW-CHANGE for view 1: " + out);
        assertEquals(1, r.view());
        assertTrue(!r.viewActive());
        // Issue 15 item 4: the operator's log names the view change, from, to and why.
        assertEquals(List.of(new Notice.ViewChangeStarted(0, 1, "2f+1 replicas suspect primary 0 (a request not ordered or executed in time)")),
                r.drainNotices());
        assertEquals("view change 0 -> 1: 2f+1 replicas suspect primary 0 (a request not ordered or executed in time)",
                new Notice.ViewChangeStarted(0, 1, "2f+1 replicas suspect primary 0 (a request not ordered or executed in time)").line());
        assertEquals(List.of(), r.drainNotices(), "drained");
    }

    @Test
    void aSuspicionNotSharedLapsesAndStaleOnesDoNotAddUp() {
        Replica r = new Replica(1, CFG);
        r.start(NOW);
        r.receive(NOW, 2, new Suspect(0, 2));
        assertFalse(leftTheView(r.ready()), "another replica's suspicion alone");
        // Long after, our own: replica 2's has lapsed (it lasts two view-change timeouts).
        r.receive(NOW, 4, req(4, 1, "a"));
        r.ready();
        long late = NOW + 3 * CFG.viewChangeTimeoutMs();
        r.timeout(late, TimerKind.ORDERING);
        List<ReplicaAction> out = r.ready();
        assertTrue(suspected(out, 0, 1), "we suspect: " + out);
        assertFalse(leftTheView(out), "a lapsed suspicion does not count: " + out);
        // A SUSPECT for another view, or claiming another sender, counts for nothing.
        r.receive(late, 3, new Suspect(1, 3));
        r.receive(late, 3, new Suspect(0, 2));
        assertFalse(leftTheView(r.ready()));
        assertEquals(1, r.counters().ignored(Ignored.WRONG_VIEW));
        assertEquals(1, r.counters().ignored(Ignored.NOT_A_REPLICA));
        // Still waiting at the next deadline: we suspect again, and fresh suspicions from 3 and 2 end the view.
        r.receive(late + 1, 3, new Suspect(0, 3));
        assertFalse(leftTheView(r.ready()));
        r.receive(late + 1, 2, new Suspect(0, 2));
        assertTrue(leftTheView(r.ready()));
        assertEquals(1, r.view());
    }

    private static boolean suspected(List<ReplicaAction> out, long view, int replica) {
        return out.stream().anyMatch(a -> a instanceof Action.Multicast m && m.message() instanceof Suspect s
                && s.view() == view && s.replica() == replica);
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

    // ---- the big-MAC defence: unauthenticated requests in pre-prepares, AUTH-FAILURE, quarantine ----

    private static BitSet bits(int... positions) {
        BitSet b = new BitSet();
        for (int p : positions) b.set(p);
        return b;
    }

    private static List<Message> sent(List<ReplicaAction> out) {
        return out.stream().filter(a -> a instanceof Action.Multicast || a instanceof Action.Send)
                .map(a -> a instanceof Action.Multicast m ? m.message() : ((Action.Send) a).message()).toList();
    }

    private static boolean prepared(List<ReplicaAction> out, PrePrepare p, int replica) {
        return sent(out).contains(new Prepare(p.view(), p.seq(), p.digest(), replica));
    }

    /** The pre-prepares a primary multicast in {@code out}. */
    private static List<PrePrepare> proposals(List<ReplicaAction> out) {
        return sent(out).stream().filter(m -> m instanceof PrePrepare).map(m -> (PrePrepare) m).toList();
    }

    @Test
    void aBackupThatCannotAuthenticateARequestPreparesOnlyAfterFPlusOneOtherBackups() {
        Replica r = new Replica(1, CFG);
        PrePrepare p = pp(0, 1, NOW, req(4, 1, "a"), req(5, 1, "b"));
        r.receive(NOW, 0, p, bits(1));   // client 5's entry for replica 1 is bad
        List<ReplicaAction> out = r.ready();
        assertFalse(prepared(out, p, 1), "no prepare for a batch with a request we could not authenticate");
        assertEquals(List.of(), sent(out), "no complaint yet: the client's new key may still be on its way");
        assertEquals(1, r.counters().ignored(Ignored.UNAUTHENTICATED_REQUEST));
        r.receive(NOW, 2, new Prepare(0, 1, p.digest(), 2));
        assertFalse(prepared(r.ready(), p, 1), "one backup's prepare may come from a faulty replica");
        r.receive(NOW, 3, new Prepare(0, 1, p.digest(), 3));
        assertTrue(prepared(r.ready(), p, 1), "f+1 backups' prepares: a correct one authenticated every request");
        // Vouched for: nothing speaks against the client when the deadline passes.
        r.timeout(NOW + 2 * CFG.statusIntervalMs(), TimerKind.STATUS);
        assertTrue(sent(r.ready()).stream().noneMatch(m -> m instanceof AuthFailure), "no AUTH-FAILURE for a vouched request");
        // It goes on like any pre-prepared batch: commits, then execution.
        r.receive(NOW, 0, new Commit(0, 1, p.digest(), 0));
        r.receive(NOW, 2, new Commit(0, 1, p.digest(), 2));
        assertTrue(r.ready().stream().anyMatch(a -> a instanceof ReplicaAction.Execute e && e.seq() == 1));
        assertEquals(0, r.authFailuresSent());
    }

    /** How long a backup waits for a client's key before it complains: the client resends it with its next retransmission. */
    private static final long KEY_WAIT = Math.max(CFG.statusIntervalMs(), CFG.clientRetransmitMs());

    @Test
    void aRequestStillUnauthenticatedAClientRetransmissionLaterIsComplainedAboutOnce() {
        Replica r = new Replica(1, CFG);
        PrePrepare p = pp(0, 1, NOW, req(4, 1, "a"), req(5, 1, "b"));
        r.receive(NOW, 0, p, bits(1));
        r.ready();
        r.timeout(NOW + KEY_WAIT - 1, TimerKind.STATUS);
        assertTrue(sent(r.ready()).stream().noneMatch(m -> m instanceof AuthFailure), "not before the deadline");
        r.receive(NOW + KEY_WAIT - 1, 0, p, bits(1));   // a retransmission does not push the deadline back
        r.ready();
        r.timeout(NOW + KEY_WAIT, TimerKind.STATUS);
        assertTrue(sent(r.ready()).stream().noneMatch(m -> m instanceof AuthFailure),
                "no news from the others since the wait began (cut off?): what it knows may be stale, it waits");
        r.receive(NOW + KEY_WAIT, 2, new Status(0, 2, true, 0, 0, 0, new long[0], new long[0]));
        r.receive(NOW + KEY_WAIT, 3, new Status(0, 3, true, 0, 0, 0, new long[0], new long[0]));
        r.ready();
        r.timeout(NOW + KEY_WAIT + CFG.statusIntervalMs(), TimerKind.STATUS);
        assertEquals(List.of(new AuthFailure(1, 0, 1, 5, 1)),
                sent(r.ready()).stream().filter(m -> m instanceof AuthFailure).toList(), "every replica hears whose request failed here");
        // Once: a retransmitted copy of the same pre-prepare starts no new wait and no new complaint.
        r.receive(NOW + KEY_WAIT + CFG.statusIntervalMs() + 1, 0, p, bits(1));
        r.ready();
        r.timeout(NOW + 3 * KEY_WAIT + CFG.statusIntervalMs(), TimerKind.STATUS);
        assertTrue(sent(r.ready()).stream().noneMatch(m -> m instanceof AuthFailure), "once");
        assertEquals(1, r.authFailuresSent());
    }

    /**
     * Issue 15 item 2 (simulator seeds 85 and 119): a replica back from a reboot or a partition is
     * behind, and the pre-prepares retransmitted to it hold requests MAC'd under keys their clients
     * have replaced since; with the group one replica short, f+1 other backups' prepares never come.
     * f+1 other replicas report (STATUS) having executed the sequence number, so the batch committed and the request was
     * authentic — no AUTH-FAILURE (counted as moot); the replica catches up by other means. f such
     * reports could all be lies: the complaint goes out.
     */
    @Test
    void noComplaintAboutARequestInABatchFPlusOneOthersExecuted() {
        Replica r = new Replica(1, CFG);
        PrePrepare p = pp(0, 1, NOW, req(4, 1, "a"), req(5, 1, "b"));
        r.receive(NOW, 0, p, bits(1));
        r.receive(NOW, 2, new Status(0, 2, true, 0, 3, 0, new long[0], new long[0]));
        r.receive(NOW, 3, new Status(0, 3, true, 0, 1, 0, new long[0], new long[0]));
        r.ready();
        r.timeout(NOW + KEY_WAIT, TimerKind.STATUS);
        assertTrue(sent(r.ready()).stream().noneMatch(m -> m instanceof AuthFailure), "the group got past it");
        assertEquals(1, r.counters().ignored(Ignored.AUTH_FAILURE_MOOT));
        assertEquals(0, r.authFailuresSent());
        Replica q = new Replica(1, CFG);
        q.receive(NOW, 0, p, bits(1));
        q.receive(NOW, 2, new Status(0, 2, true, 0, 3, 0, new long[0], new long[0]));
        q.receive(NOW, 3, new Status(0, 3, true, 0, 0, 0, new long[0], new long[0]));   // not past it
        q.ready();
        q.timeout(NOW + KEY_WAIT, TimerKind.STATUS);
        assertEquals(List.of(new AuthFailure(1, 0, 1, 5, 1)), sent(q.ready()).stream().filter(m -> m instanceof AuthFailure).toList());
    }

    @Test
    void aClientsNewKeyArrivingAfterThePrePrepareAuthenticatesItsRequest() {
        Replica r = new Replica(1, CFG);
        PrePrepare p = pp(0, 1, NOW, req(4, 1, "a"), req(5, 1, "b"));
        r.receive(NOW, 0, p, bits(1));   // signed with client 5's new key, which has not reached us yet
        assertFalse(prepared(r.ready(), p, 1));
        r.clientKeyChanged(NOW + 1, 4, q -> true);   // another client's key: nothing changes
        assertFalse(prepared(r.ready(), p, 1));
        r.clientKeyChanged(NOW + 2, 5, q -> false);  // a key under which it still fails: still waiting
        assertFalse(prepared(r.ready(), p, 1));
        r.clientKeyChanged(NOW + 3, 5, q -> q.client() == 5 && q.timestamp() == 1);
        assertTrue(prepared(r.ready(), p, 1), "authenticated here now: prepared without anyone vouching");
        r.timeout(NOW + 2 * CFG.statusIntervalMs(), TimerKind.STATUS);
        assertTrue(sent(r.ready()).stream().noneMatch(m -> m instanceof AuthFailure), "no complaint about a correct client");
        assertThrows(IllegalArgumentException.class, () -> r.clientKeyChanged(NOW, 2, q -> true), "a replica is not a client");
    }

    @Test
    void aBackupHoldingTheClientsOwnCopyOfTheRequestNeedsNoOtherAuthentication() {
        Replica r = new Replica(1, CFG);
        Request direct = new Request(5, 1, false, 0, "b".getBytes(), new byte[] {1, 2, 3});
        r.receive(NOW, 5, direct);   // authenticated on arrival, straight from its client
        r.ready();
        PrePrepare p = pp(0, 1, NOW, req(5, 1, "b"));   // the primary's copy: same request, other authenticator
        r.receive(NOW, 0, p, bits(0));
        List<ReplicaAction> out = r.ready();
        assertTrue(prepared(out, p, 1));
        assertTrue(sent(out).stream().noneMatch(m -> m instanceof AuthFailure));
        // A different operation under the same timestamp is not the same request.
        Replica q = new Replica(1, CFG);
        q.receive(NOW, 5, direct);
        q.ready();
        PrePrepare other = pp(0, 1, NOW, req(5, 1, "not b"));
        q.receive(NOW, 0, other, bits(0));
        assertFalse(prepared(q.ready(), other, 1));
    }

    /** Primary 0 of view 0 with client 5's request proposed at seq 1, and client 4's at seq 2 when {@code withOther}. */
    private static Replica primaryThatProposedClient5() {
        Replica primary = new Replica(0, CFG);
        primary.receive(NOW, 5, req(5, 1, "evil"));
        assertEquals(1, proposals(primary.ready()).size());
        return primary;
    }

    /**
     * f+1 AUTH-FAILUREs about the primary's proposal: its batch will not prepare, so every replica
     * that counts them suspects the primary at once (no timer), and 2f+1 suspicions end the view.
     * They do not take a replica away by themselves: f faulty replicas aiming AUTH-FAILUREs at one
     * correct replica, with one genuine complaint, would leave it alone in the next view.
     */
    @Test
    void fPlusOneAuthFailuresAboutTheCurrentPrimarysProposalMakeEveryReplicaSuspectIt() {
        Replica primary = primaryThatProposedClient5();
        primary.receive(NOW, 1, new AuthFailure(1, 0, 1, 5, 1));
        assertTrue(sent(primary.ready()).stream().noneMatch(m -> m instanceof io.bulwark.bft.msg.Suspect), "one complaint may come from a faulty replica");
        primary.receive(NOW, 2, new AuthFailure(2, 0, 1, 5, 1));   // f+1 = 2 backups
        assertTrue(sent(primary.ready()).stream().anyMatch(m -> m instanceof io.bulwark.bft.msg.Suspect s && s.view() == 0),
                "its batch will not prepare: the primary suspects itself at once");
        assertTrue(primary.viewActive(), "but does not leave on complaints alone");
        Replica backup = new Replica(3, CFG);
        backup.receive(NOW, 5, req(5, 1, "valid here"));
        backup.receive(NOW, 1, new AuthFailure(1, 0, 1, 5, 1));
        backup.receive(NOW, 2, new AuthFailure(2, 0, 1, 5, 1));
        assertTrue(sent(backup.ready()).stream().anyMatch(m -> m instanceof io.bulwark.bft.msg.Suspect s && s.view() == 0), "so does every backup");
        assertEquals(0, backup.view(), "aimed at it alone, the complaints do not take it away");
        assertEquals(0, backup.pendingRequests(), "the quarantined client's request is dropped");
        // The others suspect as well (they counted the same complaints): 2f+1 = 3 suspicions, and it leaves.
        backup.receive(NOW, 0, new io.bulwark.bft.msg.Suspect(0, 0));
        backup.receive(NOW, 1, new io.bulwark.bft.msg.Suspect(0, 1));
        assertEquals(1, backup.view(), "with 2f+1 suspicions it leaves");
    }

    @Test
    void fReplicasAloneCannotQuarantineACorrectClient() {
        // f = 1: one complainer, however often it complains, and the primary's own word do not count.
        Replica primary = primaryThatProposedClient5();
        for (int i = 0; i < 5; i++) primary.receive(NOW, 3, new AuthFailure(3, 0, 1, 5, 1));
        primary.receive(NOW, 3, new AuthFailure(3, 0, 2, 5, 2));
        primary.ready();
        primary.receive(NOW, 5, req(5, 2, "next"));
        assertEquals(1, proposals(primary.ready()).size(), "client 5 is not quarantined");
        Replica backup = new Replica(2, CFG);
        backup.receive(NOW, 0, new AuthFailure(0, 0, 1, 5, 1));   // the primary itself
        backup.receive(NOW, 3, new AuthFailure(3, 0, 1, 5, 1));
        backup.receive(NOW, 5, req(5, 1, "x"));
        assertEquals(0, backup.counters().ignored(Ignored.CLIENT_QUARANTINED));
        assertEquals(1, backup.pendingRequests());

        // f = 2 (n = 7): two faulty backups are not enough either; a third replica is.
        ProtocolConfig two = ProtocolConfig.defaults(2).withCheckpointInterval(4, 8);
        Replica p2 = new Replica(0, two);
        p2.receive(NOW, 7, new Request(7, 1, false, 0, "x".getBytes(), new byte[0]));
        p2.ready();
        p2.receive(NOW, 5, new AuthFailure(5, 0, 1, 7, 1));
        p2.receive(NOW, 6, new AuthFailure(6, 0, 1, 7, 1));
        p2.receive(NOW, 7, new Request(7, 2, false, 0, "y".getBytes(), new byte[0]));
        assertEquals(1, proposals(p2.ready()).size(), "f = 2 complainers are not enough");
        p2.receive(NOW, 4, new AuthFailure(4, 0, 2, 7, 2));
        p2.ready();
        p2.receive(NOW, 7, new Request(7, 3, false, 0, "z".getBytes(), new byte[0]));
        assertTrue(p2.ready().isEmpty(), "f+1 = 3 complainers are");
    }

    /**
     * Four replica cores wired together in memory (no timers: time moves only when the test says).
     * Client 5 is a big-MAC client: its requests reach the primary only with a valid MAC (the wire
     * drops its copies at the backups) and are marked unverified in pre-prepares at the backups.
     */
    private static final class Group {
        final Replica[] r = new Replica[4];
        long now = NOW;
        final List<Request> completed = new java.util.ArrayList<>();

        Group() { for (int i = 0; i < 4; i++) r[i] = new Replica(i, CFG); }

        int primary() { return CFG.primaryOf(r[1].view()); }

        void clientSends(Request q) {
            for (int i = 0; i < 4; i++) {
                if (q.client() == 5 && i != primary()) continue;   // bad MAC at the backups: dropped by the wire
                r[i].receive(now, q.client(), q);
            }
            run();
            // The backups wait a client retransmission period (or a status period) for a key that would
            // authenticate it, and for the others' STATUS since (fresh news), then complain.
            now += KEY_WAIT;
            for (Replica x : r) x.timeout(now, TimerKind.STATUS);
            run();
            now += CFG.statusIntervalMs();
            for (Replica x : r) x.timeout(now, TimerKind.STATUS);
            run();
        }

        /** Delivers every message and performs every execution until nothing moves. */
        void run() {
            boolean moved = true;
            while (moved) {
                moved = false;
                for (int i = 0; i < 4; i++) {
                    for (Action a : r[i].ready()) {
                        moved = true;
                        if (a instanceof Action.Multicast m) {
                            for (int j = 0; j < 4; j++) if (j != i) deliver(i, j, m.message());
                        } else if (a instanceof Action.Send s && s.to() < 4) {
                            deliver(i, s.to(), s.message());
                        } else if (a instanceof ReplicaAction.Execute e) {
                            if (i == 0) completed.addAll(e.requests());
                            List<byte[]> results = e.requests().stream().map(q -> new byte[] {1}).toList();
                            r[i].executed(now, e.seq(), results);
                        }
                    }
                }
            }
        }

        private void deliver(int from, int to, Message m) {
            BitSet unverified = null;
            if (m instanceof PrePrepare p) {
                for (int k = 0; k < p.batch().size(); k++) {
                    if (p.batch().get(k).client() != 5 || to == from) continue;
                    if (unverified == null) unverified = new BitSet();
                    unverified.set(k);
                }
            }
            r[to].receive(now, from, m, unverified);
        }
    }

    @Test
    void aBigMacClientCostsEachPrimaryOneViewChangeThenItsRequestsAreIgnoredUnderIt() {
        Group g = new Group();
        long ts = 0;
        // Views 0..3: each primary proposes one of its requests once; the backups' AUTH-FAILUREs
        // quarantine the client under that primary and move everyone to the next view.
        for (int v = 0; v < 4; v++) {
            assertEquals(v, g.primary());
            g.clientSends(req(5, ++ts, "evil " + v));
            for (Replica x : g.r) assertEquals(v + 1, x.view(), "every replica left view " + v);
            assertTrue(java.util.Arrays.stream(g.r).allMatch(Replica::viewActive), "view " + (v + 1) + " started");
        }
        // View 4: replica 0 is primary again, and the client is still quarantined under it.
        assertEquals(0, g.primary());
        g.clientSends(req(5, ++ts, "evil again"));
        assertEquals(4, g.r[0].view(), "no view change: the primary did not propose it");
        assertEquals(1, g.r[0].counters().ignored(Ignored.CLIENT_QUARANTINED));
        // A backup that gets one of its requests with a valid MAC ignores it too: it runs no timer against the primary.
        g.r[1].receive(g.now, 5, req(5, ++ts, "valid at backup 1"));
        assertEquals(1, g.r[1].counters().ignored(Ignored.CLIENT_QUARANTINED));
        assertEquals(0, g.r[1].pendingRequests());
        // Correct clients are served all along.
        g.clientSends(req(4, 1, "good"));
        assertTrue(g.completed.stream().anyMatch(q -> q.client() == 4 && q.timestamp() == 1));
        assertTrue(g.completed.stream().noneMatch(q -> q.client() == 5), "none of its requests executed");
        // The quarantine expires: the first offence (under replica 0) lasted the base time.
        g.now += ClientQuarantine.BASE_VIEW_CHANGE_TIMEOUTS * CFG.viewChangeTimeoutMs();
        g.clientSends(req(5, ++ts, "after the quarantine"));
        assertEquals(5, g.r[1].view(), "proposed again, failed again: another view change");
        // Each quarantine is one line in every replica's log, naming the client, the primary and the time.
        List<Notice> notices = g.r[2].drainNotices();
        assertTrue(notices.contains(new Notice.ClientQuarantined(5, 0, 0, 1, ClientQuarantine.BASE_VIEW_CHANGE_TIMEOUTS * CFG.viewChangeTimeoutMs())), "" + notices);
        assertTrue(notices.stream().anyMatch(x -> x instanceof Notice.ViewChangeStarted v && v.from() == 0 && v.to() == 1
                && v.why().equals("2f+1 replicas suspect primary 0 (f+1 AUTH-FAILUREs: client 5's request in its pre-prepare cannot prepare)")), "" + notices);
        assertTrue(notices.stream().anyMatch(x -> x instanceof Notice.ViewInstalled v && v.view() == 1 && v.primary() == 1), "" + notices);
        assertEquals(1, g.r[0].counters().ignored(Ignored.CLIENT_QUARANTINED));
    }

    @Test
    void theQuarantineIsPerPrimaryDoublesPerOffenceAndIsBounded() {
        int n = 4, f = 1;
        long base = 100;
        ClientQuarantine q = new ClientQuarantine(n, f, base);
        // View 0 (primary 0): one complaint is not an offence, the second one is.
        assertFalse(q.complaint(0, 0, 1, 9, 0));
        assertTrue(q.complaint(0, 0, 2, 9, 0));
        assertFalse(q.complaint(0, 0, 3, 9, 0), "one offence per view");
        assertTrue(q.quarantined(9, 0, base - 1));
        assertFalse(q.quarantined(9, 0, base));
        assertFalse(q.quarantined(9, 1, 0), "only under the primary whose proposal failed");
        // View 1 (primary 1): the second offence lasts twice as long.
        assertFalse(q.complaint(1, 1, 2, 9, 10));
        assertTrue(q.complaint(1, 1, 3, 9, 10));
        assertEquals(2, q.offences(9));
        assertTrue(q.quarantined(9, 1, 10 + 2 * base - 1));
        assertFalse(q.quarantined(9, 1, 10 + 2 * base));
        // Complaints about a view older than the two latest are not counted.
        q.complaint(2, 2, 1, 8, 20);
        assertFalse(q.complaint(0, 0, 1, 8, 20));
        // Doubling is capped.
        for (long v = 3; v < 3 + 2 * ClientQuarantine.MAX_DOUBLINGS; v++) {
            q.complaint(v, (int) (v % n), (int) ((v + 1) % n), 9, 20);
            q.complaint(v, (int) (v % n), (int) ((v + 2) % n), 9, 20);
        }
        assertEquals(base << ClientQuarantine.MAX_DOUBLINGS, q.quarantineMs(q.offences(9)));
        // A faulty replica cannot crowd out the others' complaints: its own are capped per view.
        long v = 100;
        for (int c = 0; c < ClientQuarantine.MAX_COMPLAINTS_PER_REPLICA + 50; c++) q.complaint(v, 0, 3, 1000 + c, 20);
        assertFalse(q.complaint(v, 0, 3, 5000, 20));
        assertFalse(q.complaint(v, 0, 1, 5000, 20), "3's complaint about 5000 was over its cap: 1's is the first");
        assertTrue(q.complaint(v, 0, 2, 5000, 20));
        // Bounded records: the one expiring first goes.
        ClientQuarantine small = new ClientQuarantine(n, f, base);
        for (int c = 0; c <= ClientQuarantine.MAX_CLIENTS; c++) {
            long view = c;   // one view per client, so every pair of complaints is an offence
            small.complaint(view, 0, 1, 10 + c, c);
            assertTrue(small.complaint(view, 0, 2, 10 + c, c));
        }
        assertEquals(ClientQuarantine.MAX_CLIENTS, small.tracked());
        assertEquals(0, small.offences(10), "the first record, expiring first, was evicted");
    }

    // ---- a replica behind the group does not judge the primary ----

    private static boolean leftTheView(List<ReplicaAction> out) {
        return out.stream().anyMatch(a -> a instanceof Action.Multicast m && m.message() instanceof io.bulwark.bft.msg.ViewChange);
    }

    @Test
    void aReplicaFetchingStateRunsNoRequestTimersAndDoesNotLeaveTheViewAlone() {
        Replica r = new Replica(1, CFG);
        r.start(NOW);
        // f+1 replicas report a checkpoint far beyond our log: we fetch it (the primary's pre-prepares
        // for requests we hold lie beyond our high water mark, so we would never see them ordered).
        Digest far = Digests.of("far".getBytes());
        r.receive(NOW, 2, new Checkpoint(40, far, 2));
        r.receive(NOW, 3, new Checkpoint(40, far, 3));
        assertTrue(r.transferring());
        r.ready();
        r.receive(NOW, 4, req(4, 1, "a"));
        assertTrue(r.ready().stream().noneMatch(a -> a instanceof Action.SetTimer t && t.kind() != TimerKind.STATUS),
                "no ordering or request timer while transferring");
        long late = NOW + 10 * CFG.viewChangeTimeoutMs();
        r.timeout(late, TimerKind.ORDERING);
        r.timeout(late, TimerKind.VIEW_CHANGE);
        r.receive(late, 0, pp(0, 41, late, req(4, 1, "a")));   // beyond our window: ignored
        assertFalse(leftTheView(r.ready()));
        assertEquals(0, r.view());
        assertTrue(r.viewActive());
        assertEquals(0, r.viewChangesStarted());
    }

    @Test
    void aReplicaBehindAVouchedCheckpointSuspectsThePrimaryOnceItHasCaughtUp() {
        Replica r = new Replica(1, CFG);
        r.start(NOW);
        // Checkpoint 4 is vouched for by f+1 others; we have executed nothing yet: behind, but within
        // reach of the log, so no transfer.
        Digest theirs = Digests.of("theirs".getBytes());
        r.receive(NOW, 2, new Checkpoint(4, theirs, 2));
        r.receive(NOW, 3, new Checkpoint(4, theirs, 3));
        assertFalse(r.transferring());
        r.receive(NOW, 4, req(4, 1, "a"));
        assertTrue(r.ready().stream().noneMatch(a -> a instanceof Action.SetTimer t && t.kind() == TimerKind.ORDERING));
        r.timeout(NOW + CFG.viewChangeTimeoutMs(), TimerKind.ORDERING);
        assertFalse(leftTheView(r.ready()));

        // We catch up by executing batches 1..4 (other clients' requests); client 4's stays unordered.
        long t = NOW + 100;
        for (long seq = 1; seq <= 4; seq++) {
            PrePrepare p = pp(0, seq, t, req(5, seq, "op" + seq));
            r.receive(t, 0, p);
            r.receive(t, 2, new Prepare(0, seq, p.digest(), 2));
            r.receive(t, 0, new Commit(0, seq, p.digest(), 0));
            r.receive(t, 2, new Commit(0, seq, p.digest(), 2));
            r.ready();
            r.executed(t, seq, List.of(new byte[] {1}));
        }
        assertEquals(4, r.lastExecuted());
        // No longer behind: the ordering deadline starts now, and a primary that still does not order
        // the request is suspected.
        Action.SetTimer ordering = r.ready().stream().filter(a -> a instanceof Action.SetTimer s && s.kind() == TimerKind.ORDERING)
                .map(a -> (Action.SetTimer) a).findFirst().orElseThrow();
        assertEquals(t + CFG.viewChangeTimeoutMs() / 4, ordering.deadline(), "a fresh deadline from catching up");
        r.timeout(ordering.deadline(), TimerKind.ORDERING);
        assertTrue(suspected(r.ready(), 0, 1));
        r.receive(ordering.deadline(), 2, new Suspect(0, 2));
        r.receive(ordering.deadline(), 3, new Suspect(0, 3));
        assertTrue(leftTheView(r.ready()));
        assertEquals(1, r.view());
    }

    @Test
    void aReplicaWhoseWindowTheGroupHasPassedDoesNotSuspectThePrimary() {
        // f+1 others commit in our view beyond our high water mark: the primary orders, we are behind.
        Replica slow = new Replica(1, CFG);
        slow.start(NOW);
        slow.receive(NOW, 4, req(4, 1, "a"));
        slow.ready();
        long beyond = CFG.logSize() + 5;
        Digest d = Digests.of("batch".getBytes());
        slow.receive(NOW, 2, new Commit(0, beyond, d, 2));
        slow.receive(NOW, 3, new Commit(0, beyond, d, 3));
        long late = NOW + 10 * CFG.viewChangeTimeoutMs();
        slow.timeout(late, TimerKind.ORDERING);
        slow.timeout(late, TimerKind.VIEW_CHANGE);
        assertFalse(leftTheView(slow.ready()));
        assertEquals(0, slow.viewChangesStarted());

        // One replica's claim is not enough: it may be the faulty one.
        Replica r = new Replica(1, CFG);
        r.start(NOW);
        r.receive(NOW, 4, req(4, 1, "a"));
        r.ready();
        r.receive(NOW, 3, new Commit(0, beyond, d, 3));
        r.timeout(late, TimerKind.ORDERING);
        assertTrue(suspected(r.ready(), 0, 1), "a primary that orders nothing is still suspected");
    }

    @Test
    void fetchBatchAnswersAreBoundedPerRequesterAndStatusPeriod() {
        Replica r = new Replica(1, CFG);
        r.start(NOW);
        PrePrepare p = pp(0, 1, NOW, req(4, 1, "a"));
        r.receive(NOW, 0, p);
        r.ready();
        int budget = 2 * CFG.logSize();
        int answered = 0;
        for (int i = 0; i < budget + 10; i++) {
            r.receive(NOW, 3, new io.bulwark.bft.msg.FetchBatch(3, 1, p.digest()));
            answered += (int) r.ready().stream().filter(a -> a instanceof Action.Send s && s.to() == 3 && s.message() instanceof PrePrepare).count();
        }
        assertEquals(budget, answered, "a replica asking for more than its whole log twice in a period is not answered");
        r.receive(NOW, 2, new io.bulwark.bft.msg.FetchBatch(2, 1, p.digest()));
        assertTrue(r.ready().stream().anyMatch(a -> a instanceof Action.Send s && s.to() == 2), "others are still answered");
        r.timeout(NOW + CFG.statusIntervalMs(), TimerKind.STATUS);
        r.ready();
        r.receive(NOW, 3, new io.bulwark.bft.msg.FetchBatch(3, 1, p.digest()));
        assertTrue(r.ready().stream().anyMatch(a -> a instanceof Action.Send s && s.to() == 3), "a new status period, a new budget");
    }

    // ---- state transfer: DATA without a MAC ----

    @Test
    void aChildsLmForgedInMetaDataDoesNotStallTheTransfer() {
        // A parent's digest binds its children's digests and their maximum lm, not each child's lm: a
        // faulty replier lowered one page's lm below the maximum in its META-DATA, and the fetcher,
        // checking DATA against H(page, that lm, value), re-fetched the page forever (sim seed 2901,
        // f=2, bad-replier). DATA now carries the lm, checked by the page's digest.
        io.bulwark.bft.state.ReplicatedState src = new io.bulwark.bft.state.ReplicatedState(600, 4);
        for (int p = 0; p < 600; p++) src.service().modify(p)[p % 4096] = (byte) (p | 1);
        Digest d40 = src.tree().checkpoint(40);
        Replica r = new Replica(1, CFG, new io.bulwark.bft.state.ReplicatedState(600, 4));
        r.start(NOW);
        r.receive(NOW, 2, new Checkpoint(40, d40, 2));
        r.receive(NOW, 3, new Checkpoint(40, d40, 3));
        assertTrue(r.transferring());
        int leaf = src.tree().leafLevel();
        boolean forged = false;
        java.util.ArrayDeque<Action.Send> fetches = new java.util.ArrayDeque<>();
        for (int steps = 0; steps < 100_000; steps++) {
            for (Action a : r.ready()) if (a instanceof Action.Send s && s.message() instanceof io.bulwark.bft.msg.Fetch) fetches.add(s);
            if (fetches.isEmpty()) break;
            Action.Send s = fetches.poll();
            io.bulwark.bft.msg.Fetch fe = (io.bulwark.bft.msg.Fetch) s.message();
            if (fe.level() < leaf) {
                List<io.bulwark.bft.state.Partition> children = new java.util.ArrayList<>(src.tree().children(40, fe.level(), fe.index()));
                if (!forged && fe.level() == leaf - 1) {
                    io.bulwark.bft.state.Partition p = children.get(5);
                    children.set(5, new io.bulwark.bft.state.Partition(p.lm() - 1, p.digest()));   // the parent's digest still checks
                    forged = true;
                }
                r.receive(NOW, s.to(), new io.bulwark.bft.msg.MetaData(40, fe.level(), fe.index(), s.to(), children));
            } else {
                r.receive(NOW, s.to(), new io.bulwark.bft.msg.Data(fe.index(), src.tree().partition(40, leaf, fe.index()).lm(),
                        src.tree().pageAt(40, fe.index())));
            }
        }
        assertTrue(forged, "the forged meta-data was sent");
        assertFalse(r.transferring(), "the transfer completed");
        assertEquals(40, r.lastExecuted());
        assertEquals(d40, r.checkpointDigest(40));
    }

    @Test
    void aDataThatFailsItsDigestIsFetchedAgainElsewhereAndNobodyIsBlamed() {
        io.bulwark.bft.state.ReplicatedState src = new io.bulwark.bft.state.ReplicatedState(600, 4);
        for (int p = 0; p < 600; p++) src.service().modify(p)[p % 4096] = (byte) (p | 1);   // more pages than fetches in flight
        Digest d40 = src.tree().checkpoint(40);
        Replica r = new Replica(1, CFG, new io.bulwark.bft.state.ReplicatedState(600, 4));
        r.start(NOW);
        r.receive(NOW, 2, new Checkpoint(40, d40, 2));
        r.receive(NOW, 3, new Checkpoint(40, d40, 3));
        assertTrue(r.transferring());

        // Answer every FETCH from the source; the first DATA arrives damaged, in its replier's name.
        record Sent(long order, Action.Send send) {}
        java.util.ArrayDeque<Sent> fetches = new java.util.ArrayDeque<>();
        java.util.Map<Integer, List<Integer>> fetchedFrom = new java.util.HashMap<>();
        long sends = 0, damagedAt = Long.MAX_VALUE;
        int damaged = -1, damagedReplier = -1, sentToItAfter = 0;
        for (List<ReplicaAction> out = r.ready(); ; out = r.ready()) {
            for (Action a : out) if (a instanceof Action.Send s && s.message() instanceof io.bulwark.bft.msg.Fetch) fetches.add(new Sent(sends++, s));
            if (fetches.isEmpty()) break;
            Sent next = fetches.poll();
            Action.Send s = next.send();
            io.bulwark.bft.msg.Fetch fe = (io.bulwark.bft.msg.Fetch) s.message();
            if (next.order() > damagedAt && s.to() == damagedReplier) sentToItAfter++;
            if (fe.level() < src.tree().leafLevel()) {
                r.receive(NOW, s.to(), new io.bulwark.bft.msg.MetaData(40, fe.level(), fe.index(), s.to(), src.tree().children(40, fe.level(), fe.index())));
                continue;
            }
            fetchedFrom.computeIfAbsent(fe.index(), k -> new java.util.ArrayList<>()).add(s.to());
            byte[] value = src.tree().pageAt(40, fe.index());
            if (damaged < 0) {
                damaged = fe.index();
                damagedReplier = s.to();
                damagedAt = sends - 1;
                value[0] ^= 1;
            }
            r.receive(NOW, s.to(), new io.bulwark.bft.msg.Data(fe.index(), src.tree().partition(40, fe.level(), fe.index()).lm(), value));
        }
        assertFalse(r.transferring(), "the transfer completed");
        assertEquals(40, r.lastExecuted());
        List<Integer> repliers = fetchedFrom.get(damaged);
        assertEquals(2, repliers.size(), "the damaged page was fetched again: " + repliers);
        assertTrue(repliers.get(0) != repliers.get(1), "from another replier: " + repliers);
        // Nobody was passed over for it: fetches sent later still go to the replier named in the damaged DATA.
        assertTrue(sentToItAfter > 0, "replier " + damagedReplier + " still used");
    }

    // ---- the clock-skew check applies to fresh proposals ----

    @Test
    void aPrePrepareRetransmittedLongAfterItWasProposedIsAcceptedOnFPlusOneOtherBackupsPrepares() {
        Replica r = new Replica(3, CFG);
        long proposed = NOW, later = NOW + 10 * CFG.maxClockSkewMs();
        PrePrepare old = pp(0, 1, proposed, req(4, 1, "a"));
        // Alone, a proposal whose time is far from our clock is refused (it may be the primary's lie) ...
        r.receive(later, 0, old);
        assertFalse(prepared(r.ready(), old, 3));
        assertEquals(1, r.counters().ignored(Ignored.CLOCK_SKEW));
        // ... but f+1 other backups prepared it when it was fresh: one of them is correct and checked its time.
        r.receive(later, 1, new Prepare(0, 1, old.digest(), 1));
        assertFalse(prepared(r.ready(), old, 3), "one other backup is not enough");
        r.receive(later, 2, new Prepare(0, 1, old.digest(), 2));
        assertTrue(prepared(r.ready(), old, 3));
        // The same when the prepares came first (the STATUS retransmission carries both).
        Replica q = new Replica(3, CFG);
        PrePrepare old2 = pp(0, 2, proposed, req(5, 1, "b"));
        q.receive(later, 1, new Prepare(0, 2, old2.digest(), 1));
        q.receive(later, 2, new Prepare(0, 2, old2.digest(), 2));
        q.receive(later, 0, old2);
        assertTrue(prepared(q.ready(), old2, 3));
    }

    @Test
    void aPrimaryWhoseBatchesDoNotExecuteInTimeLeavesTheView() {
        // A faulty backup withholds its COMMITs from the primary; another backup sits alone in a higher
        // view: the primary's batch prepares but never commits at it. Nobody else times out (the third
        // backup executed), so the primary must (aimed seeds 37, 1447, 3767).
        Replica primary = primaryWithPreparedBatch();
        primary.receive(NOW, 1, new Commit(0, 1, pp(0, 1, NOW, req(4, 1, "a")).digest(), 1));   // 2 of the 2f+1 = 3 COMMITs
        long deadline = primary.ready().stream().filter(a -> a instanceof Action.SetTimer t && t.kind() == TimerKind.VIEW_CHANGE)
                .mapToLong(a -> ((Action.SetTimer) a).deadline()).findFirst().orElseThrow();
        assertEquals(NOW + CFG.viewChangeTimeoutMs(), deadline);
        primary.timeout(deadline, TimerKind.VIEW_CHANGE);
        assertTrue(suspected(primary.ready(), 0, 0), "the primary suspected itself");
        // With two more suspicions (the backup whose request waits too, and the one in the higher view,
        // whose VIEW-CHANGE counts the same) it leaves the view.
        primary.receive(deadline, 2, new Suspect(0, 2));
        assertEquals(0, primary.view(), "f+1: not yet");
        primary.receive(deadline, 3, new Suspect(0, 3));
        assertEquals(1, primary.view());
        assertFalse(primary.viewActive());
    }

    @Test
    void aPrimaryWithNothingOutstandingRunsNoTimer() {
        Replica primary = primaryWithPreparedBatch();
        PrePrepare p = pp(0, 1, NOW, req(4, 1, "a"));
        primary.receive(NOW, 1, new Commit(0, 1, p.digest(), 1));
        primary.receive(NOW, 2, new Commit(0, 1, p.digest(), 2));
        primary.ready();
        primary.executed(NOW, 1, List.of(new byte[0]));
        assertTrue(primary.ready().stream().noneMatch(a -> a instanceof Action.SetTimer t && t.kind() == TimerKind.VIEW_CHANGE),
                "executed everything: no new timer");
        primary.timeout(NOW + 10 * CFG.viewChangeTimeoutMs(), TimerKind.VIEW_CHANGE);
        assertEquals(0, primary.view(), "the timer set for the executed batch was disarmed by the progress");
    }

    /** Primary 0 with client 4's request pre-prepared at seq 1 and prepared (both other backups' PREPAREs in). */
    private static Replica primaryWithPreparedBatch() {
        Replica primary = new Replica(0, CFG);
        primary.start(NOW);
        primary.receive(NOW, 4, req(4, 1, "a"));
        PrePrepare p = pp(0, 1, NOW, req(4, 1, "a"));
        primary.receive(NOW, 1, new Prepare(0, 1, p.digest(), 1));
        primary.receive(NOW, 2, new Prepare(0, 1, p.digest(), 2));
        return primary;
    }
}
