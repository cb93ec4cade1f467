package io.bulwark.bft.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.msg.KeyAck;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.Reply;
import io.bulwark.bft.msg.Request;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientCoreTest {
    private static final ProtocolConfig CFG = ProtocolConfig.defaults(1);
    private static final int ME = 4;

    private static Reply full(int replica, long ts, String result, boolean ro) {
        return new Reply(0, ts, ME, replica, ro, false, result.getBytes());
    }

    private static Reply digest(int replica, long ts, String result, boolean ro) {
        return new Reply(0, ts, ME, replica, ro, true, MessageCodec.resultDigest(result.getBytes()).bytes());
    }

    private static byte[] completed(ClientCore c) {
        for (Action a : c.ready()) if (a instanceof ClientAction.Complete done) return done.result();
        return null;
    }

    @Test
    void orderedRequestGoesToEveryReplicaAndNeedsFPlusOneMatchingReplies() {
        ClientCore c = new ClientCore(ME, CFG, 0);
        long ts = c.invoke(0, "op".getBytes(), false);
        List<ClientAction> out = c.ready();
        // Every replica gets it, so backups can hold the primary to an ordering deadline.
        Action.Multicast s = (Action.Multicast) out.get(0);
        assertFalse(((Request) s.message()).readOnly());
        c.receive(1, 1, full(1, ts, "r", false));
        assertEquals(null, completed(c), "one reply is not a certificate");
        c.receive(1, 2, digest(2, ts, "r", false));
        assertArrayEquals("r".getBytes(), completed(c));
        assertFalse(c.busy());
    }

    @Test
    void oneLyingReplicaCannotCompleteARequest() {
        ClientCore c = new ClientCore(ME, CFG, 0);
        long ts = c.invoke(0, "op".getBytes(), false);
        c.ready();
        c.receive(1, 3, full(3, ts, "lie", false));
        c.receive(1, 1, digest(1, ts, "truth", false));
        assertEquals(null, completed(c), "digests without a matching full result do not complete");
        c.receive(1, 2, full(2, ts, "truth", false));
        assertArrayEquals("truth".getBytes(), completed(c));
    }

    @Test
    void readOnlyNeedsTwoFPlusOneAndFallsBackToOrdered() {
        ClientCore c = new ClientCore(ME, CFG, 0);
        long ts = c.invoke(0, "get".getBytes(), true);
        assertTrue(c.ready().get(0) instanceof Action.Multicast);
        c.receive(1, 0, full(0, ts, "v", true));
        c.receive(1, 1, digest(1, ts, "v", true));
        assertEquals(null, completed(c));
        c.receive(1, 2, digest(2, ts, "w", true));   // conflicting: no 2f+1 yet
        assertEquals(null, completed(c));
        c.timeout(600, TimerKind.CLIENT_RETRANSMIT);
        Action.Multicast retry = (Action.Multicast) c.ready().get(0);
        Request r = (Request) retry.message();
        assertFalse(r.readOnly(), "falls back to an ordered request");
        assertEquals(Request.ALL_REPLY, r.replier());
        c.receive(700, 3, full(3, ts, "v", true));      // late read-only reply no longer counts
        c.receive(700, 1, full(1, ts, "v", false));
        assertEquals(null, completed(c));
        c.receive(700, 2, full(2, ts, "v", false));
        assertArrayEquals("v".getBytes(), completed(c));
    }

    @Test
    void readOnlyFallsBackAtOnceWhenTwoFPlusOneMatchingRepliesCanNoLongerCome() {
        ClientCore c = new ClientCore(ME, CFG, 0);
        long ts = c.invoke(0, "get".getBytes(), true);
        c.ready();
        c.receive(1, 0, full(0, ts, "new", true));
        c.receive(1, 1, full(1, ts, "new", true));
        c.receive(1, 2, full(2, ts, "old", true));
        assertTrue(c.ready().isEmpty(), "3 + 1 outstanding could still make 2f+1 = 3");
        c.receive(1, 3, full(3, ts, "old", true));
        List<ClientAction> out = c.ready();
        Action.Multicast retry = (Action.Multicast) out.get(0);
        assertFalse(((Request) retry.message()).readOnly(), "2-2 split: re-sent as an ordered request without waiting for the timer");
        c.receive(2, 1, full(1, ts, "new", false));
        c.receive(2, 2, full(2, ts, "new", false));
        assertArrayEquals("new".getBytes(), completed(c));
    }

    @Test
    void readOnlyFallsBackAtOnceWhenTheDesignatedReplierSentADifferentResult() {
        ClientCore c = new ClientCore(ME, CFG, 0);
        long ts = c.invoke(0, "get".getBytes(), true);
        Request sent = (Request) ((Action.Multicast) c.ready().get(0)).message();
        int replier = sent.replier();
        int k = 0;
        for (int r = 0; r < 4 && k < 2; r++) {
            if (r == replier) continue;
            c.receive(1, r, digest(r, ts, "new", true));
            k++;
        }
        assertTrue(c.ready().isEmpty(), "two digests and two replicas to go: the full result may still come");
        c.receive(1, replier, full(replier, ts, "old", true));   // the replier lags: its full result is different
        List<ClientAction> out = c.ready();
        assertFalse(out.isEmpty(), "the majority's full result can no longer come: ordered at once");
        assertFalse(((Request) ((Action.Multicast) out.get(0)).message()).readOnly());
    }

    @Test
    void ignoresRepliesForOtherClientsTimestampsOrImpersonation() {
        ClientCore c = new ClientCore(ME, CFG, 0);
        long ts = c.invoke(0, "op".getBytes(), false);
        c.ready();
        c.receive(1, 1, full(2, ts, "r", false));                              // claims replica 2, came from 1
        c.receive(1, 1, new Reply(0, ts, ME + 1, 1, false, false, "r".getBytes()));  // other client
        c.receive(1, 1, full(1, ts + 1, "r", false));                          // wrong timestamp
        c.receive(1, 2, new Reply(0, ts, ME, 2, false, true, new byte[3]));     // digest of the wrong length
        assertEquals(null, completed(c));
        assertEquals(4, c.counters().totalIgnored());
        assertThrows(IllegalStateException.class, () -> c.invoke(2, new byte[0], false));
    }

    @Test
    void viewIsLearnedOnlyWhenFPlusOneRepliesVouchForIt() {
        ClientCore c = new ClientCore(ME, CFG, 0);
        long ts = c.invoke(0, "op".getBytes(), false);
        c.ready();
        c.receive(1, 1, new Reply(1_000_000, ts, ME, 1, false, false, "r".getBytes()));
        c.receive(1, 2, new Reply(0, ts, ME, 2, false, false, "r".getBytes()));
        completed(c);
        assertEquals(0, c.view(), "a single replica cannot move the client's view");
    }

    @Test
    void aSilentDesignatedReplierIsWorkedAroundAtOnceAndPassedOverAfterwards() {
        ClientCore c = new ClientCore(ME, CFG, 0);
        long ts = c.invoke(0, "op".getBytes(), false);
        Request sent = (Request) ((Action.Multicast) c.ready().get(0)).message();
        int silent = sent.replier();
        int answered = 0;
        for (int r = 0; r < 4 && answered < 3; r++) {
            if (r == silent) continue;
            c.receive(1, r, digest(r, ts, "res", false));
            answered++;
        }
        List<ClientAction> out = c.ready();
        Request again = out.stream().filter(a -> a instanceof Action.Multicast).map(a -> (Request) ((Action.Multicast) a).message())
                .findFirst().orElseThrow(() -> new AssertionError("2f+1 digests and no full result: ask everyone, " + out));
        assertEquals(Request.ALL_REPLY, again.replier());
        assertEquals(ts, again.timestamp());
        int other = (silent + 1) % 4;
        c.receive(2, other, full(other, ts, "res", false));
        assertArrayEquals("res".getBytes(), completed(c));
        // The next requests do not designate the silent replica.
        for (int i = 0; i < 8; i++) {
            long t = c.invoke(3, "op".getBytes(), false);
            Request next = (Request) ((Action.Multicast) c.ready().get(0)).message();
            assertTrue(next.replier() != silent, "request " + t + " designated the silent replica");
            for (int r = 0; r < 4; r++) c.receive(4, r, full(r, t, "x", false));
            c.ready();
        }
    }

    // ---- the client's key at the replicas (issue 15 item 2) ----

    private static boolean multicastRequest(List<ClientAction> out) {
        return out.stream().anyMatch(a -> a instanceof Action.Multicast m && m.message() instanceof Request);
    }

    @Test
    void requestsWaitUntilEveryReplicaAcknowledgedTheClientsKey() {
        ClientCore c = new ClientCore(ME, CFG, 0);
        c.newKey(0, 7);
        assertTrue(c.ready().contains(new Action.SetTimer(TimerKind.CLIENT_KEY, CFG.clientRetransmitMs())));
        assertFalse(c.keyReady());
        long ts = c.invoke(1, "op".getBytes(), false);
        assertFalse(multicastRequest(c.ready()), "held back: no replica holds the key yet");
        c.receive(2, 0, new KeyAck(0, ME, 6));   // an older key's
        c.receive(2, 1, new KeyAck(2, ME, 7));   // names another replica than its sender
        c.receive(2, 2, new KeyAck(2, ME + 1, 7));   // another client's
        assertEquals(0, c.keyAcks());
        for (int j = 0; j < 3; j++) c.receive(3, j, new KeyAck(j, ME, 7));
        assertEquals(3, c.keyAcks());
        assertFalse(multicastRequest(c.ready()), "2f+1 before the grace ran out: the last replica may be just behind");
        c.receive(4, 3, new KeyAck(3, ME, 7));
        List<ClientAction> out = c.ready();
        assertTrue(c.keyReady());
        assertTrue(multicastRequest(out), "every replica holds the key: the request goes out");
        assertTrue(out.contains(new Action.SetTimer(TimerKind.CLIENT_RETRANSMIT, 4 + CFG.clientRetransmitMs())));
        c.receive(5, 1, full(1, ts, "r", false));
        c.receive(5, 2, full(2, ts, "r", false));
        assertArrayEquals("r".getBytes(), completed(c));
        c.timeout(CFG.clientRetransmitMs(), TimerKind.CLIENT_KEY);
        assertTrue(c.ready().isEmpty(), "every replica acknowledged: nothing to resend");
    }

    @Test
    void afterTheGraceTwoFPlusOneAcksAreEnoughAndTheOthersGetTheNewKeyAgain() {
        ClientCore c = new ClientCore(ME, CFG, 0);
        c.newKey(0, 9);
        c.ready();
        c.invoke(0, "op".getBytes(), false);
        c.ready();
        c.receive(1, 0, new KeyAck(0, ME, 9));
        c.receive(1, 2, new KeyAck(2, ME, 9));
        long grace = CFG.clientRetransmitMs();
        c.timeout(grace, TimerKind.CLIENT_KEY);
        List<ClientAction> out = c.ready();
        assertFalse(multicastRequest(out), "2 acks are fewer than 2f+1");
        assertEquals(List.of(new ClientAction.SendNewKey(1), new ClientAction.SendNewKey(3)),
                out.stream().filter(a -> a instanceof ClientAction.SendNewKey).toList(), "the NEW-KEY again to those that did not acknowledge");
        assertTrue(out.contains(new Action.SetTimer(TimerKind.CLIENT_KEY, grace + (CFG.clientRetransmitMs() << 1))), "with backoff");
        c.receive(grace + 1, 3, new KeyAck(3, ME, 9));
        out = c.ready();
        assertTrue(multicastRequest(out), "2f+1 after the grace: requests go out");
        // Replica 1 still lacks the key: it gets the NEW-KEY again first, on the same connection, so that
        // it can check the request when the primary's pre-prepare brings it (issue 15 item 2, seed 291).
        assertEquals(List.of(new ClientAction.SendNewKey(1)), out.stream().filter(a -> a instanceof ClientAction.SendNewKey).toList());
        assertTrue(out.indexOf(new ClientAction.SendNewKey(1)) < out.indexOf(out.stream().filter(a -> a instanceof Action.Multicast).findFirst().orElseThrow()),
                "the key before the request");
        // The client's retransmission timer was not running for the held request.
        c.timeout(grace + 2, TimerKind.CLIENT_RETRANSMIT);
        c.ready();
        // A retransmission carries the key again to whoever has still not acknowledged it; once all did, none.
        c.timeout(grace + 1 + CFG.clientRetransmitMs(), TimerKind.CLIENT_RETRANSMIT);
        out = c.ready();
        assertTrue(multicastRequest(out));
        assertEquals(List.of(new ClientAction.SendNewKey(1)), out.stream().filter(a -> a instanceof ClientAction.SendNewKey).toList());
        c.receive(grace + 2 + CFG.clientRetransmitMs(), 1, new KeyAck(1, ME, 9));
        c.timeout(grace + 1 + 3 * CFG.clientRetransmitMs(), TimerKind.CLIENT_RETRANSMIT);
        out = c.ready();
        assertTrue(multicastRequest(out));
        assertTrue(out.stream().noneMatch(a -> a instanceof ClientAction.SendNewKey), "every replica holds the key");
        assertThrows(IllegalArgumentException.class, () -> c.newKey(0, 0));
    }

    @Test
    void aClientWithoutKeyExchangeSendsAtOnce() {
        ClientCore c = new ClientCore(ME, CFG, 0);
        assertTrue(c.keyReady());
        c.invoke(0, "op".getBytes(), false);
        assertTrue(multicastRequest(c.ready()));
    }
}
